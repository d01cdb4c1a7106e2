/* See sfu_ice_lite.h. */
#include "sfu_ice_lite.h"

#include <string.h>
#include <sys/random.h>

#include <stun/stunagent.h>
#include <stun/usages/ice.h>

#include "wire/reader.h"

/* What the validater needs: the lookup, and what it found. */
typedef struct validate_ctx {
    sfu_ice_lookup_fn lookup;
    void *user;
    void *peer;
    const sfu_ice_credentials *creds;
} validate_ctx;

/* Length of our ufrag in the USERNAME "ours:theirs" (RFC 8445 7.2.2):
 * the bytes before the first colon; 0 without a colon. */
static size_t local_ufrag_len(const uint8_t *username, size_t len)
{
    d13_reader r;
    d13_reader_init(&r, username, len);
    uint8_t c;
    while (d13_read_u8(&r, &c))
        if (c == ':') return d13_reader_offset(&r) - 1;
    return 0;
}

/* The password is the one of our ufrag, USERNAME's part before the colon. */
static bool validate(StunAgent *agent, StunMessage *message, uint8_t *username, uint16_t username_len,
                     uint8_t **password, size_t *password_len, void *user_data)
{
    (void)agent;
    (void)message;
    validate_ctx *v = user_data;
    size_t ours = local_ufrag_len(username, username_len);
    if (ours == 0) return false;
    const sfu_ice_credentials *creds = NULL;
    void *peer = v->lookup(v->user, (const char *)username, ours, &creds);
    if (peer == NULL || creds == NULL) return false;
    v->peer = peer;
    v->creds = creds;
    *password = (uint8_t *)creds->pwd;
    *password_len = strlen(creds->pwd);
    return true;
}

void sfu_ice_lite_handle(const uint8_t *packet, size_t len, const struct sockaddr_storage *src, socklen_t src_len,
                         sfu_ice_lookup_fn lookup, void *lookup_user, uint8_t *reply, sfu_ice_result *out)
{
    memset(out, 0, sizeof(*out));
    static const uint16_t known[] = {STUN_ATTRIBUTE_USERNAME,         STUN_ATTRIBUTE_MESSAGE_INTEGRITY,
                                     STUN_ATTRIBUTE_ERROR_CODE,       STUN_ATTRIBUTE_UNKNOWN_ATTRIBUTES,
                                     STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS, STUN_ATTRIBUTE_FINGERPRINT,
                                     STUN_ATTRIBUTE_PRIORITY,         STUN_ATTRIBUTE_USE_CANDIDATE,
                                     STUN_ATTRIBUTE_ICE_CONTROLLED,   STUN_ATTRIBUTE_ICE_CONTROLLING,
                                     0};
    StunAgent agent;
    stun_agent_init(&agent, known, STUN_COMPATIBILITY_RFC5389,
                    STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS | STUN_AGENT_USAGE_USE_FINGERPRINT);
    validate_ctx v = {lookup, lookup_user, NULL, NULL};
    StunMessage req;
    StunValidationStatus st = stun_agent_validate(&agent, &req, packet, len, validate, &v);
    bool answerable = st == STUN_VALIDATION_SUCCESS || st == STUN_VALIDATION_UNAUTHORIZED ||
                      st == STUN_VALIDATION_UNAUTHORIZED_BAD_REQUEST || st == STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE;
    /* Not STUN, incomplete, a response or an indication: nothing to answer. */
    if (!answerable || stun_message_get_class(&req) != STUN_REQUEST) return;
    StunMessage msg;
    if (st == STUN_VALIDATION_SUCCESS && stun_message_get_method(&req) == STUN_BINDING && v.peer) {
        size_t reply_len = SFU_ICE_REPLY_CAP;
        bool control = false; /* a lite agent is always controlled (RFC 8445 6.1.1) */
        StunUsageIceReturn r = stun_usage_ice_conncheck_create_reply(
            &agent, &req, &msg, reply, &reply_len, src, src_len, &control, 0, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
        if (r == STUN_USAGE_ICE_RETURN_SUCCESS) {
            out->verdict = SFU_ICE_ANSWERED;
            out->peer = v.peer;
            out->use_candidate = stun_usage_ice_conncheck_use_candidate(&req);
            out->reply_len = reply_len;
            return;
        }
        /* A role conflict or a bad request: libnice built the error response. */
        out->verdict = SFU_ICE_REJECTED;
        out->reply_len = reply_len;
        return;
    }
    /* As libnice's own agent answers (conncheck.c): 420 with the unknown
     * attributes, 401 for bad credentials, 400 for a request without them. */
    out->verdict = SFU_ICE_REJECTED;
    if (st == STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE) {
        out->reply_len = stun_agent_build_unknown_attributes_error(&agent, &msg, reply, SFU_ICE_REPLY_CAP, &req);
        return;
    }
    StunError err = st == STUN_VALIDATION_UNAUTHORIZED ? STUN_ERROR_UNAUTHORIZED : STUN_ERROR_BAD_REQUEST;
    if (stun_agent_init_error(&agent, &msg, reply, SFU_ICE_REPLY_CAP, &req, err))
        out->reply_len = stun_agent_finish_message(&agent, &msg, NULL, 0);
}

bool sfu_ice_credentials_generate(sfu_ice_credentials *creds)
{
    static const char ice_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t rnd[32];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) return false;
    memset(creds, 0, sizeof(*creds));
    for (size_t i = 0; i < 8; i++) creds->ufrag[i] = ice_chars[rnd[i] & 63u];
    for (size_t i = 0; i < 24; i++) creds->pwd[i] = ice_chars[rnd[8 + i] & 63u];
    return true;
}
