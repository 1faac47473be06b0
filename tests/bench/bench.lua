-- wrk script for tests/bench/run.
--
--   wrk ... -s webhook.lua URL                    plain GET, wrk's own static
--                                                 request (no Lua per request)
--   wrk ... -s webhook.lua URL -- BODIES NTHREADS  signed POSTs: BODIES has one
--       "sha256=<hex>\t<json>" a line (tests/bench/gen.py); thread k of
--       NTHREADS sends its own contiguous slice, so no body goes out twice
--       unless a slice runs out (then it starts over and counts "reused").
--
-- done() prints one line for the runner:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N non2xx=N connect=N
--         read=N write=N timeout=N sent=N reused=N bodies=N codes=STATUS:N,...
-- (codes: responses by HTTP status, counted for the POST scenarios only)

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

sent, reused, bodies = 0, 0, 0
codes = {}

function init(args)
   if not args[1] then
      return
   end
   local nthreads = tonumber(args[2]) or 1
   local lines = {}
   for line in io.lines(args[1]) do
      lines[#lines + 1] = line
   end
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
      error("no bodies for thread " .. id .. " in " .. args[1])
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
      codes[status] = (codes[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local s, r, b, all = 0, 0, 0, {}
   for _, t in ipairs(threads) do
      s = s + (t:get("sent") or 0)
      r = r + (t:get("reused") or 0)
      b = b + (t:get("bodies") or 0)
      for code, n in pairs(t:get("codes") or {}) do
         all[code] = (all[code] or 0) + n
      end
   end
   local list = {}
   for code, n in pairs(all) do
      list[#list + 1] = code .. ":" .. n
   end
   table.sort(list)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d" ..
      " connect=%d read=%d write=%d timeout=%d sent=%d reused=%d bodies=%d" ..
      " codes=%s\n",
      summary.requests, summary.duration, latency:percentile(50),
      latency:percentile(99), e.status, e.connect, e.read, e.write,
      e.timeout, s, r, b, #list > 0 and table.concat(list, ",") or "-"))
end
