/* tick: the identity rule (identity.h). */
#include <stddef.h>
#include <string.h>

#include "identity.h"

static const char *const conflict_names[TICK_ID_CONFLICT__MAX] = {
	[TICK_ID_CONFLICT_NONE] = "",
	[TICK_ID_CONFLICT_PHONE_TWO_USER_IDS] = "phone_two_user_ids",
	[TICK_ID_CONFLICT_TWO_CONTACTS] = "two_contacts",
};

const char *
tick_id_conflict_name(enum tick_id_conflict c)
{
	return c >= 0 && c < TICK_ID_CONFLICT__MAX ? conflict_names[c] : "";
}

static int
differs(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) != 0;
}

/* Writes the keys of the event onto contact c (found already), never
 * taking a key another stored contact holds (that is a conflict). */
static void
fill_keys(const struct tick_id_input *in, const struct tick_id_contact *c,
    struct tick_id_decision *out)
{
	out->contact_id = c->id;
	out->action = TICK_ID_USE;
	if (in->wa_id != NULL &&
	    (c->wa_id == NULL || differs(c->wa_id, in->wa_id))) {
		if (in->by_wa_id.id != 0 && in->by_wa_id.id != c->id) {
			out->conflict = TICK_ID_CONFLICT_TWO_CONTACTS;
			out->other_contact_id = in->by_wa_id.id;
		} else
			out->set_wa_id = in->wa_id;
	}
	if (in->user_id != NULL &&
	    (c->user_id == NULL || differs(c->user_id, in->user_id))) {
		if (in->by_user_id.id != 0 && in->by_user_id.id != c->id) {
			out->conflict = TICK_ID_CONFLICT_TWO_CONTACTS;
			out->other_contact_id = in->by_user_id.id;
		} else {
			/* A user id changes only with the number (Meta gives a
			 * new one then): a different one on the same phone
			 * outside such an event is for a person to look at. */
			if (c->user_id != NULL &&
			    in->event == TICK_ID_MESSAGE &&
			    out->conflict == TICK_ID_CONFLICT_NONE) {
				out->conflict =
				    TICK_ID_CONFLICT_PHONE_TWO_USER_IDS;
				out->previous_user_id = c->user_id;
			}
			out->set_user_id = in->user_id;
		}
	}
	if (out->set_wa_id != NULL || out->set_user_id != NULL)
		out->action = TICK_ID_UPDATE;
}

void
tick_id_resolve(const struct tick_id_input *in, struct tick_id_decision *out)
{
	const struct tick_id_contact *w = &in->by_wa_id, *u = &in->by_user_id,
	                             *o = &in->by_old, *target;

	memset(out, 0, sizeof(*out));
	switch (in->event) {
	case TICK_ID_MESSAGE:
		if (w->id != 0 && u->id != 0 && w->id != u->id) {
			/* One customer stored twice: the phone's contact
			 * (tickets go by phone) takes the message. */
			out->action = TICK_ID_USE;
			out->contact_id = w->id;
			out->conflict = TICK_ID_CONFLICT_TWO_CONTACTS;
			out->other_contact_id = u->id;
			return;
		}
		if (w->id != 0 || u->id != 0) {
			fill_keys(in, w->id != 0 ? w : u, out);
			return;
		}
		if (in->wa_id != NULL || in->user_id != NULL)
			out->action = TICK_ID_CREATE;
		return;
	case TICK_ID_NUMBER_CHANGED:
	case TICK_ID_USER_ID_UPDATE:
		/* The contact under the new key, if any, is where the
		 * customer already is (a redelivery, or a message that came
		 * before the event). */
		target = in->event == TICK_ID_NUMBER_CHANGED ? w : u;
		if (o->id != 0 && target->id != 0 && o->id != target->id) {
			out->action = TICK_ID_USE;
			out->contact_id = o->id;
			out->conflict = TICK_ID_CONFLICT_TWO_CONTACTS;
			out->other_contact_id = target->id;
			return;
		}
		if (o->id != 0)
			fill_keys(in, o, out);
		else if (target->id != 0)
			fill_keys(in, target, out);
		else if (in->event == TICK_ID_USER_ID_UPDATE && w->id != 0)
			fill_keys(in, w, out);
		return;
	case TICK_ID_IDENTITY_CHANGED:
		if (w->id != 0 || u->id != 0) {
			out->action = TICK_ID_USE;
			out->contact_id = w->id != 0 ? w->id : u->id;
		}
		return;
	default: return;
	}
}
