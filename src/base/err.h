/* tick: the one error type every module returns. */
#ifndef TICK_ERR_H
#define TICK_ERR_H

enum tick_err {
	TICK_OK = 0,     /* success */
	TICK_EINVAL,     /* the input is malformed or breaks a rule */
	TICK_ENOTFOUND,  /* the record does not exist */
	TICK_ECONFLICT,  /* the record exists or changed under us */
	TICK_EFORBIDDEN, /* the caller may not do this */
	TICK_EUNAUTH,   /* the caller is not authenticated (or bad signature) */
	TICK_ETOOBIG,   /* the input exceeds a limit */
	TICK_EDB,       /* the database failed or is unreachable */
	TICK_EUPSTREAM, /* an outside service (Graph API, Cloudinary) failed */
	TICK_ETIMEOUT,  /* an outside service did not answer in time */
	TICK_ENOMEM,    /* an allocation failed */
	TICK_ECONFIG,   /* the configuration is missing or bad */
	TICK_ESYS,      /* a system call failed (see errno in the log) */
	TICK_EBUSY,     /* the database aborted this transaction (deadlock,
	                   lock wait timeout): run it again */
	TICK_ERR__MAX
};

/* A short static English description of e; never NULL. */
const char *tick_strerror(enum tick_err e);

#endif
