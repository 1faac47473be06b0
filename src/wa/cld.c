#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "bounds.h"
#include "cld.h"
#include "config.h"
#include "crypto.h"
#include "json.h"
#include "log.h"
#include "net.h"

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct tick_cld_param *)a)->key,
	    ((const struct tick_cld_param *)b)->key);
}

enum tick_err
tick_cld_sign(const struct tick_cld_param *p, size_t n, const char *secret,
    char out[41])
{
	static const char *const unsigned_keys[] = { "file", "cloud_name",
		"resource_type", "api_key", "signature", NULL };
	struct tick_cld_param sorted[16];
	unsigned char md[20];
	char buf[2048];
	size_t used = 0, m = 0;
	unsigned int mdlen = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *const *u;

		for (u = unsigned_keys; *u && strcmp(*u, p[i].key) != 0; u++)
			;
		if (*u != NULL || p[i].value == NULL || p[i].value[0] == '\0')
			continue;
		if (m == sizeof(sorted) / sizeof(sorted[0]))
			return TICK_ETOOBIG;
		sorted[m++] = p[i];
	}
	qsort(sorted, m, sizeof(sorted[0]), by_key);
	for (size_t i = 0; i < m; i++) {
		int k = snprintf(buf + used, sizeof(buf) - used, "%s%s=%s",
		    i ? "&" : "", sorted[i].key, sorted[i].value);

		if (k < 0 || (size_t)k >= sizeof(buf) - used)
			return TICK_ETOOBIG;
		used += (size_t)k;
	}
	if (strlen(secret) >= sizeof(buf) - used)
		return TICK_ETOOBIG;
	memcpy(buf + used, secret, strlen(secret));
	used += strlen(secret);
	if (!EVP_Digest(buf, used, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return TICK_ESYS;
	tick_crypto_hex(md, 20, out);
	return TICK_OK;
}

const char *
tick_cld_resource_type(const char *mime)
{
	if (mime != NULL && strncmp(mime, "image/", 6) == 0)
		return "image";
	/* Cloudinary keeps audio as video resources. */
	if (mime != NULL &&
	    (strncmp(mime, "video/", 6) == 0 ||
	        strncmp(mime, "audio/", 6) == 0))
		return "video";
	return "raw";
}

enum tick_err
tick_cld_parse_response(int status, const char *body, size_t len,
    struct tick_cld_result *res)
{
	json_t *root = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *s;

	res->http_status = status;
	if (status >= 200 && status < 300 && json_is_object(root) &&
	    (s = tick_json_str(root, "secure_url")) != NULL &&
	    strncmp(s, "https://", 8) == 0 &&
	    strlen(s) < sizeof(res->secure_url)) {
		snprintf(res->secure_url, sizeof(res->secure_url), "%s", s);
		snprintf(res->public_id, sizeof(res->public_id), "%s",
		    (s = tick_json_str(root, "public_id")) ? s : "");
		snprintf(res->resource_type, sizeof(res->resource_type), "%s",
		    (s = tick_json_str(root, "resource_type")) ? s : "");
		res->bytes = json_integer_value(json_object_get(root, "bytes"));
		json_decref(root);
		return TICK_OK;
	}
	s = tick_json_str(tick_json_obj(root, "error"), "message");
	snprintf(res->error, sizeof(res->error), "Cloudinary: %s",
	    s                                 ? s :
	        status >= 200 && status < 300 ? "answer without a secure_url" :
	                                        "HTTP error");
	res->retryable = status >= 500 || status == 420 || status == 429 ||
	    status == 0;
	json_decref(root);
	return TICK_EUPSTREAM;
}

static int
part(curl_mime *mime, const char *name, const char *value)
{
	curl_mimepart *p = curl_mime_addpart(mime);

	return p != NULL && curl_mime_name(p, name) == CURLE_OK &&
	        curl_mime_data(p, value, CURL_ZERO_TERMINATED) == CURLE_OK ?
	    0 :
	    -1;
}

enum tick_err
tick_cld_upload(const struct tick_config *cfg, const void *data, size_t len,
    const char *filename, const char *mime, const char *folder,
    const char *public_id, struct tick_cld_result *res)
{
	const char *base = tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_URL);
	const char *type = tick_cld_resource_type(mime);
	char url[1024], ts[24], sig[41];
	struct tick_net_buf b = { NULL, 0, TICK_MAX_UPSTREAM_BODY, 0 };
	enum tick_err rc = TICK_EUPSTREAM;
	curl_mimepart *file;
	curl_mime *form = NULL;
	CURL *curl = NULL;
	long status = 0;
	CURLcode cc;
	int n;

	memset(res, 0, sizeof(*res));
	if (!tick_config_cld_ready(cfg)) {
		snprintf(res->error, sizeof(res->error),
		    "Cloudinary is not configured (CLOUDINARY_URL)");
		res->retryable = 1;
		return TICK_ECONFIG;
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	{
		struct tick_cld_param p[] = { { "folder", folder },
			{ "public_id", public_id }, { "timestamp", ts } };

		if ((rc = tick_cld_sign(p, 3,
		         tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_SECRET),
		         sig)) != TICK_OK)
			return rc;
	}
	n = snprintf(url, sizeof(url), "%s/%s/%s/upload", base,
	    tick_config_get(cfg, TICK_CFG_CLOUDINARY_CLOUD_NAME), type);
	if (n < 0 || (size_t)n >= sizeof(url))
		return TICK_ECONFIG;
	rc = TICK_EUPSTREAM;
	if ((curl = curl_easy_init()) == NULL ||
	    (form = curl_mime_init(curl)) == NULL)
		goto out;
	if ((file = curl_mime_addpart(form)) == NULL ||
	    curl_mime_name(file, "file") != CURLE_OK ||
	    curl_mime_data(file, data, len) != CURLE_OK ||
	    curl_mime_filename(file, filename ? filename : "file") !=
	        CURLE_OK ||
	    (mime && curl_mime_type(file, mime) != CURLE_OK) ||
	    part(form, "api_key",
	        tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_KEY)) != 0 ||
	    part(form, "timestamp", ts) != 0 ||
	    part(form, "signature", sig) != 0 ||
	    (folder && *folder && part(form, "folder", folder) != 0) ||
	    (public_id && *public_id &&
	        part(form, "public_id", public_id) != 0))
		goto out;
	tick_net_setup(curl, cfg, url,
	    (long)tick_config_num(cfg, TICK_CFG_WA_CONNECT_TIMEOUT_MS),
	    (long)tick_config_num(cfg, TICK_CFG_MEDIA_TIMEOUT_MS), &b);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
	if ((cc = curl_easy_perform(curl)) != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "Cloudinary: %s",
		    curl_easy_strerror(cc));
		res->retryable = 1;
		rc = cc == CURLE_OPERATION_TIMEDOUT ? TICK_ETIMEOUT :
		                                      TICK_EUPSTREAM;
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	rc = tick_cld_parse_response((int)status, b.p, b.len, res);
out:
	if (rc != TICK_OK && res->error[0] == '\0')
		snprintf(res->error, sizeof(res->error),
		    "Cloudinary: upload failed");
	if (rc != TICK_OK)
		tick_log_warn("%s: %s", __func__, res->error);
	curl_mime_free(form);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	free(b.p);
	return rc;
}

enum tick_err
tick_cld_parse_destroy(int status, const char *body, size_t len, char *error,
    size_t errsz)
{
	json_t *root = status > 0 ? json_loadb(body ? body : "", len, 0, NULL) :
	                            NULL;
	const char *result = tick_json_str(root, "result"), *s;
	enum tick_err rc = TICK_EUPSTREAM;

	error[0] = '\0';
	/* "not found" is a file already gone: nothing is left to do. */
	if (status >= 200 && status < 300 && result != NULL &&
	    (strcmp(result, "ok") == 0 || strcmp(result, "not found") == 0))
		rc = TICK_OK;
	else {
		s = tick_json_str(tick_json_obj(root, "error"), "message");
		snprintf(error, errsz, "Cloudinary destroy: %s",
		    s          ? s :
		        result ? result :
		                 "HTTP error");
	}
	json_decref(root);
	return rc;
}

enum tick_err
tick_cld_destroy(const struct tick_config *cfg, const char *public_id,
    const char *mime, char *error, size_t errsz)
{
	const char *base = tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_URL);
	char url[1024], ts[24], sig[41];
	struct tick_net_buf b = { NULL, 0, TICK_MAX_UPSTREAM_BODY, 0 };
	enum tick_err rc;
	curl_mime *form = NULL;
	CURL *curl = NULL;
	long status = 0;
	CURLcode cc;
	int n;

	error[0] = '\0';
	if (!tick_config_cld_ready(cfg)) {
		snprintf(error, errsz,
		    "Cloudinary is not configured (CLOUDINARY_URL)");
		return TICK_ECONFIG;
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	{
		struct tick_cld_param p[] = { { "public_id", public_id },
			{ "timestamp", ts } };

		if ((rc = tick_cld_sign(p, 2,
		         tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_SECRET),
		         sig)) != TICK_OK)
			return rc;
	}
	n = snprintf(url, sizeof(url), "%s/%s/%s/destroy", base,
	    tick_config_get(cfg, TICK_CFG_CLOUDINARY_CLOUD_NAME),
	    tick_cld_resource_type(mime));
	if (n < 0 || (size_t)n >= sizeof(url))
		return TICK_ECONFIG;
	rc = TICK_EUPSTREAM;
	if ((curl = curl_easy_init()) == NULL ||
	    (form = curl_mime_init(curl)) == NULL ||
	    part(form, "public_id", public_id) != 0 ||
	    part(form, "timestamp", ts) != 0 ||
	    part(form, "api_key",
	        tick_config_get(cfg, TICK_CFG_CLOUDINARY_API_KEY)) != 0 ||
	    part(form, "signature", sig) != 0)
		goto out;
	tick_net_setup(curl, cfg, url,
	    (long)tick_config_num(cfg, TICK_CFG_WA_CONNECT_TIMEOUT_MS),
	    (long)tick_config_num(cfg, TICK_CFG_MEDIA_TIMEOUT_MS), &b);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
	if ((cc = curl_easy_perform(curl)) != CURLE_OK) {
		snprintf(error, errsz, "Cloudinary: %s",
		    curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? TICK_ETIMEOUT :
		                                      TICK_EUPSTREAM;
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	rc = tick_cld_parse_destroy((int)status, b.p, b.len, error, errsz);
out:
	if (rc != TICK_OK && error[0] == '\0')
		snprintf(error, errsz, "Cloudinary: destroy failed");
	if (rc != TICK_OK)
		tick_log_warn("%s: %s", __func__, error);
	curl_mime_free(form);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	free(b.p);
	return rc;
}
