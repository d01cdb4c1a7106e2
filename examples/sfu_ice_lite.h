/* ICE-lite (RFC 8445 2.5) for the SFU example: answers the peers' STUN
 * connectivity checks on the shared media port with libnice's STUN library
 * (stun/ from libnice-dev; no STUN written here). A lite agent never
 * sends checks; it authenticates each Binding request with the password
 * of the local ufrag named in USERNAME ("ours:theirs", short-term
 * credentials, RFC 8445 7.2.2), answers with XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY and FINGERPRINT, and tells the caller which peer the
 * request came from and whether it carried USE-CANDIDATE (nomination). */
#ifndef SFU_ICE_LITE_H
#define SFU_ICE_LITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** The local ICE credentials of one peer, as put in its SDP answer. */
typedef struct sfu_ice_credentials {
    char ufrag[32];
    char pwd[64];
} sfu_ice_credentials;

/** Finds the peer whose local ufrag is ufrag[0..len): its user pointer and
 *  its credentials, or NULL when there is none. */
typedef void *(*sfu_ice_lookup_fn)(void *user, const char *ufrag, size_t len, const sfu_ice_credentials **creds);

/** What one STUN datagram was. */
typedef enum sfu_ice_verdict {
    SFU_ICE_IGNORED = 0,   /**< not a Binding request we answer (responses, indications, garbage): dropped */
    SFU_ICE_REJECTED = 1,  /**< a Binding request that failed authentication: reply holds the error response */
    SFU_ICE_ANSWERED = 2,  /**< authenticated: reply holds the success response */
} sfu_ice_verdict;

typedef struct sfu_ice_result {
    sfu_ice_verdict verdict;
    void *peer;         /**< ANSWERED: the lookup's user pointer */
    bool use_candidate; /**< ANSWERED: the request nominates this address */
    size_t reply_len;   /**< bytes of reply to send back to the source (0: none) */
} sfu_ice_result;

/** Handles one STUN datagram from src. reply must hold at least
 *  SFU_ICE_REPLY_CAP bytes. */
void sfu_ice_lite_handle(const uint8_t *packet, size_t len, const struct sockaddr_storage *src, socklen_t src_len,
                         sfu_ice_lookup_fn lookup, void *lookup_user, uint8_t *reply, sfu_ice_result *out);

/** Room sfu_ice_lite_handle() needs for its reply. */
#define SFU_ICE_REPLY_CAP 1280u

/** Fills creds with a random ufrag (8 characters) and pwd (24), from the
 *  ICE character set (RFC 8839 5.4). Returns false when no randomness. */
bool sfu_ice_credentials_generate(sfu_ice_credentials *creds);

#endif
