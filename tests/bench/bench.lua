-- wrk script for tests/bench/run.
--
--   wrk ... -s bench.lua URL
--       plain GET, wrk's own static request (no Lua per request)
--   wrk ... -s bench.lua URL -- post BODIES NTHREADS
--       signed webhook POSTs: BODIES has one "sha256=<hex>\t<json>" a line
--       (tests/bench/gen.py); thread k of NTHREADS sends its own contiguous
--       slice, so no body goes out twice unless a slice runs out (then it
--       starts over and counts "reused").
--   wrk ... -s bench.lua URL -- list TOKEN NTHREADS PAGES TOTAL QUERY
--       GET /api/tickets?QUERY&page=P with a bearer token (read from the
--       file TOKEN), P going round 1..PAGES (each thread from its own
--       start); a 200 whose body does not say "total":TOTAL counts "bad".
--   wrk ... -s bench.lua URL -- cursor TOKEN NTHREADS PAGES WANT QUERY
--       GET /api/tickets?QUERY, then the next page by the answer's
--       next_cursor (&cursor=...), PAGES pages deep, then from the first
--       again (each thread its own walk); a 200 whose body lacks WANT, or
--       holds no row, counts "bad".
--   wrk ... -s bench.lua URL -- get TOKEN NTHREADS WANT
--       GET URL with a bearer token; an answer 200 whose body lacks WANT
--       counts as bad
--   wrk ... -s bench.lua URL -- reply TOKEN NTHREADS IDS
--       POST /api/tickets/ID/reply {"message": ...} with a bearer token, ID
--       going round the ticket ids in the file IDS (one a line; each thread
--       from its own start), every message text different.
--
-- done() prints one line for the runner:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N non2xx=N connect=N
--         read=N write=N timeout=N sent=N reused=N bodies=N bad=N
--         codes=STATUS:N,...
-- (codes: responses by HTTP status, counted in the Lua modes only; non2xx
-- from them there, else wrk's count of statuses above 399)

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

sent, reused, bodies, bad = 0, 0, 0, 0
codes = {}

local function read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if line ~= "" then
         lines[#lines + 1] = line
      end
   end
   return lines
end

local function read_token(path)
   local f = assert(io.open(path, "r"))
   local t = f:read("*l")
   f:close()
   if not t or t == "" then
      error("no token in " .. path)
   end
   return t
end

local function count(status)
   codes[status] = (codes[status] or 0) + 1
end

local function init_post(file, nthreads)
   local lines = read_lines(file)
   local per = math.floor(#lines / nthreads)
   local first = id * per + 1
   local reqs = {}
   for i = first, first + per - 1 do
      local sig, body = lines[i]:match("^([^\t]+)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", nil, {
         ["Content-Type"] = "application/json",
         ["X-Hub-Signature-256"] = sig,
      }, body)
   end
   lines = nil
   bodies = #reqs
   if bodies == 0 then
      error("no bodies for thread " .. id .. " in " .. file)
   end
   local n = 0
   request = function()
      n = n + 1
      if n > bodies then
         n = 1
      end
      sent = sent + 1
      if sent > bodies then
         reused = reused + 1
      end
      return reqs[n]
   end
   response = function(status, headers, body)
      count(status)
   end
end

local function init_list(token, nthreads, pages, total, query)
   -- One request a page, made once: the page is what varies.
   local reqs = {}
   for p = 1, pages do
      reqs[p] = wrk.format("GET", "/api/tickets?" .. query .. "&page=" .. p,
         { ["Authorization"] = "Bearer " .. token })
   end
   local want = '"total":' .. total
   local n = math.floor(id * pages / nthreads)
   request = function()
      n = n % pages + 1
      sent = sent + 1
      return reqs[n]
   end
   response = function(status, headers, body)
      count(status)
      if status == 200 and not body:find(want, 1, true) then
         bad = bad + 1
      end
   end
end

local function init_cursor(token, pages, want, query)
   local headers = { ["Authorization"] = "Bearer " .. token }
   local first = "/api/tickets?" .. query
   local cursor, depth = nil, 0
   request = function()
      sent = sent + 1
      if cursor then
         return wrk.format("GET", first .. "&cursor=" .. cursor, headers)
      end
      return wrk.format("GET", first, headers)
   end
   response = function(status, headers, body)
      count(status)
      if status ~= 200 then
         return
      end
      if not body:find(want, 1, true) or body:find('"items":[]', 1, true) then
         bad = bad + 1
      end
      depth = depth + 1
      cursor = body:match('"next_cursor":"([A-Za-z0-9_-]+)"')
      if depth >= pages then
         cursor = nil
      end
      if not cursor then
         depth = 0
      end
   end
end

-- GET of the url's path with a bearer token; an answer 200 without want
-- in its body counts as bad.
local function init_get(token, want)
   local req = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
   request = function()
      sent = sent + 1
      return req
   end
   response = function(status, headers, body)
      count(status)
      if status == 200 and want and want ~= "" and not body:find(want, 1, true) then
         bad = bad + 1
      end
   end
end

local function init_reply(token, nthreads, idsfile)
   local ids = read_lines(idsfile)
   if #ids == 0 then
      error("no ticket ids in " .. idsfile)
   end
   bodies = #ids
   local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }
   local n = math.floor(id * #ids / nthreads)
   request = function()
      n = n % #ids + 1
      sent = sent + 1
      return wrk.format("POST", "/api/tickets/" .. ids[n] .. "/reply", headers,
         '{"message":"Bench reply ' .. id .. "-" .. sent ..
         ': we are looking into it"}')
   end
   response = function(status, headers, body)
      count(status)
   end
end

function init(args)
   local mode = args[1]
   if not mode then
      return
   end
   local nthreads = tonumber(args[3]) or 1
   if mode == "post" then
      init_post(args[2], nthreads)
   elseif mode == "list" then
      init_list(read_token(args[2]), nthreads, tonumber(args[4]),
         args[5], args[6])
   elseif mode == "get" then
      init_get(read_token(args[2]), args[4])
   elseif mode == "cursor" then
      init_cursor(read_token(args[2]), tonumber(args[4]), args[5], args[6])
   elseif mode == "reply" then
      init_reply(read_token(args[2]), nthreads, args[4])
   else
      error("unknown mode " .. mode)
   end
end

function done(summary, latency, requests)
   local s, r, b, x, all = 0, 0, 0, 0, {}
   for _, t in ipairs(threads) do
      s = s + (t:get("sent") or 0)
      r = r + (t:get("reused") or 0)
      b = b + (t:get("bodies") or 0)
      x = x + (t:get("bad") or 0)
      for code, n in pairs(t:get("codes") or {}) do
         all[code] = (all[code] or 0) + n
      end
   end
   -- Non-2xx: from the status counts when the Lua modes kept them, else
   -- wrk's own count (statuses above 399).
   local list, non2xx = {}, summary.errors.status
   if next(all) then
      non2xx = 0
   end
   for code, n in pairs(all) do
      list[#list + 1] = code .. ":" .. n
      if code < 200 or code > 299 then
         non2xx = non2xx + n
      end
   end
   table.sort(list)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d" ..
      " connect=%d read=%d write=%d timeout=%d sent=%d reused=%d bodies=%d" ..
      " bad=%d codes=%s\n",
      summary.requests, summary.duration, latency:percentile(50),
      latency:percentile(99), non2xx, e.connect, e.read, e.write,
      e.timeout, s, r, b, x, #list > 0 and table.concat(list, ",") or "-"))
end
