#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "passwords.h"
#include "valid.h"

enum tick_err
tick_password_valid(const char *pw)
{
	size_t len = pw ? strlen(pw) : 0;

	if (len < TICK_PASSWORD_MIN || len > TICK_PASSWORD_MAX ||
	    !tick_valid_utf8(pw, len))
		return TICK_EINVAL;
	return TICK_OK;
}

enum tick_err
tick_password_hash(const struct tick_config *cfg, const char *pw, char *out,
    size_t outsz)
{
	int yescrypt = strcmp(tick_config_get(cfg, TICK_CFG_PASSWORD_SCHEME),
	                   "yescrypt") == 0;
	struct crypt_data *cd;
	enum tick_err rc = TICK_ESYS;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (tick_password_valid(pw) != TICK_OK)
		return TICK_EINVAL;
	/* Never count 0: bcrypt would fall to cost 5. yescrypt's 5 is its
	 * recommended default. */
	if (crypt_gensalt_rn(yescrypt ? "$y$" : "$2b$",
	        yescrypt ?
	            5 :
	            (unsigned long)tick_config_num(cfg, TICK_CFG_BCRYPT_COST),
	        NULL, 0, salt, sizeof(salt)) == NULL)
		return TICK_ESYS;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return TICK_ENOMEM;
	h = crypt_r(pw, salt, cd);
	if (h != NULL && h[0] != '*' && strlen(h) < outsz) {
		memcpy(out, h, strlen(h) + 1);
		rc = TICK_OK;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

int
tick_password_check(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	int ok = 0;

	if (pw == NULL || hash == NULL || hash[0] != '$' ||
	    strlen(pw) > TICK_PASSWORD_MAX * 4)
		return 0;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	h = crypt_r(pw, hash, cd);
	if (h != NULL && h[0] != '*')
		ok = tick_crypto_equal(h, strlen(h), hash, strlen(hash));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
tick_password_needs_rehash(const struct tick_config *cfg, const char *hash)
{
	long long cost;

	if (strcmp(tick_config_get(cfg, TICK_CFG_PASSWORD_SCHEME),
	        "yescrypt") == 0)
		return strncmp(hash, "$y$", 3) != 0;
	/* $2b$NN$...: PHP's $2y$ and the old $2a$ are upgraded too. */
	if (strncmp(hash, "$2b$", 4) != 0 || strlen(hash) < 7 ||
	    hash[6] != '$' ||
	    tick_valid_num(hash + 4, 2, 4, 31, &cost) != TICK_OK)
		return 1;
	return cost < tick_config_num(cfg, TICK_CFG_BCRYPT_COST);
}

enum tick_err
tick_password_generate(char *out, size_t outsz)
{
	static const char alphabet[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char rnd[TICK_PASSWORD_GENERATED];

	if (outsz < TICK_PASSWORD_GENERATED + 1 ||
	    tick_crypto_random(rnd, sizeof(rnd)) != 0)
		return TICK_ESYS;
	/* 56 letters: the bias of % is under 1/4, harmless at 20 characters. */
	for (size_t i = 0; i < TICK_PASSWORD_GENERATED; i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[TICK_PASSWORD_GENERATED] = '\0';
	return TICK_OK;
}
