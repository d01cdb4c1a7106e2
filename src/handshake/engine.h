/* The connection engine: struct dtls13_conn and the functions the client
 * and server state machines share (flights, epochs, alerts, events).
 * The public API in src/core/conn.c is a thin layer over this. */
#ifndef D13_ENGINE_H
#define D13_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/conn.h"
#include "handshake/config_internal.h"
#include "handshake/key_schedule.h"
#include "handshake/reassembly.h"
#include "handshake/transcript.h"
#include "record/record.h"
#include "wire/messages.h"

/** Handshake states of both roles (RFC 8446 A.1/A.2 names, simplified). */
typedef enum d13_hs_state {
    D13_HS_IDLE = 0,
    /* client */
    D13_HS_C_WAIT_SH,
    D13_HS_C_WAIT_EE,
    D13_HS_C_WAIT_CERT_CR,
    D13_HS_C_WAIT_CERT,
    D13_HS_C_WAIT_CV,
    D13_HS_C_WAIT_FINISHED,
    /* server */
    D13_HS_S_WAIT_CH,
    D13_HS_S_WAIT_CERT,
    D13_HS_S_WAIT_CV,
    D13_HS_S_WAIT_FINISHED,
    /* both */
    D13_HS_DONE,
    D13_HS_FAILED,
} d13_hs_state;

#define D13_FLIGHT_MAX_MSGS 8
#define D13_FLIGHT_MAX_RECORDS 96
#define D13_FLIGHT_BUF 16384
#define D13_MAX_RX_RECORDS 32
#define D13_MAX_RETRANSMITS 12
#define D13_MAX_TIMEOUT_MS 60000u
#define D13_MIN_TIMEOUT_MS 20u
#define D13_MAX_RECORDS_PER_TRANSMISSION 10
#define D13_READ_QUEUE_CAP (32u * 1024u)

/** One outgoing handshake message of the current flight. */
typedef struct d13_out_msg {
    uint8_t msg_type;
    uint16_t message_seq;
    uint64_t epoch;    /* 0 plaintext, 2 handshake keys, 3+ application keys */
    size_t body_off;   /* in d13_flight.buf */
    size_t body_len;
} d13_out_msg;

/** One record sent for the current flight (for ACK processing). */
typedef struct d13_sent_record {
    uint64_t epoch;
    uint64_t seq;
    uint8_t msg_index;
    uint32_t frag_off;
    uint32_t frag_len;
    bool acked;
    bool superseded;  /* an earlier transmission of a range sent again since: an ACK
                         naming it still acknowledges the range (RFC 9147 7.2) */
    uint64_t sent_ms; /* for RTT samples from ACKs (record numbers are never reused) */
} d13_sent_record;

/** A flight we sent, kept until it is acknowledged (explicitly by ACKs or
 *  implicitly by the peer's next flight). The main handshake and each
 *  post-handshake category (KeyUpdate) have their own (RFC 9147 5.8.4). */
typedef struct d13_flight {
    uint8_t *buf; /* message bodies, D13_FLIGHT_BUF bytes while in use */
    size_t buf_len;
    d13_out_msg msgs[D13_FLIGHT_MAX_MSGS];
    size_t num_msgs;
    d13_sent_record *recs; /* D13_FLIGHT_MAX_RECORDS entries, allocated with buf */
    size_t num_recs;
    bool active;       /* waiting for acknowledgement; retransmit on timer */
    bool needs_ack;    /* final flight: only an ACK (not a reply) ends it */
    uint64_t deadline; /* absolute ms of the next retransmission */
    uint64_t first_sent_ms; /* for the RTT measurement */
    unsigned retransmits;   /* timer expiries and answers to the peer's retransmissions */
    unsigned early_resends; /* resends of what a partial ACK left out (not timeouts) */
    size_t next_msg;   /* first-transmission cursor: message index ... */
    uint32_t next_off; /* ... and offset not yet sent (amplification limit, burst limit) */
} d13_flight;

/** FIFO of received application data records. */
typedef struct d13_read_queue {
    uint8_t *buf; /* allocated on first use */
    size_t head, tail;
} d13_read_queue;

struct dtls13_conn {
    dtls13_config *cfg;
    dtls13_role role;
    dtls13_send_fn send;
    void *send_user;
    dtls13_event_fn event;
    void *event_user;

    d13_hs_state hs;
    dtls13_state state;
    int alert; /* -1 none */
    const char *failure_reason;
    dtls13_stats stats;
    bool started;
    uint64_t start_ms;
    uint64_t now_ms;
    uint32_t timeout_ms; /* current retransmission timeout */
    uint32_t base_timeout_ms; /* timer without backoff: initial, or 1.5 x the last RTT sample */

    /* negotiated */
    uint16_t version;
    uint16_t suite;
    uint16_t group;
    uint16_t own_sig_scheme;
    uint16_t peer_sig_scheme;
    uint16_t srtp_profile;
    uint8_t srtp_mki[D13_MAX_MKI];
    size_t srtp_mki_len;
    bool hello_retry;
    bool address_validated; /* server: cookie verified or handshake done (anti-amplification) */
    bool cert_requested; /* server: we sent CR; client: we received one */
    uint16_t offered_key_share_group; /* client */

    uint8_t client_random[32];
    uint8_t server_random[32];
    d13_kex *kex;
    d13_transcript transcript;
    d13_key_schedule ks;
    bool ks_ready; /* ks initialised for the chosen hash */
    uint8_t *hrr_cookie; /* client: cookie from the HelloRetryRequest */
    uint8_t hrr_cookie_value[16]; /* server: cookie of our stateful HelloRetryRequest */
    size_t hrr_cookie_len;

    /* peer authentication */
    uint8_t *peer_cert;
    size_t peer_cert_len;
    d13_pkey *peer_key;
    bool has_expected_fp;
    int expected_fp_alg;
    uint8_t expected_fp[D13_MAX_HASH_LEN];
    size_t expected_fp_len;

    /* records */
    uint64_t epoch0_write_seq;
    d13_epoch_keys write_hs;  /* epoch 2 */
    d13_epoch_keys write_app; /* epoch 3 */
    d13_epoch_keys read_hs;
    d13_epoch_keys read_app;

    /* handshake messages */
    uint16_t next_send_seq;
    uint16_t next_recv_seq;
    d13_reasm reasm;
    d13_flight flight;     /* main handshake */
    d13_flight ku_flight;  /* post-handshake KeyUpdate */
    unsigned burst_records; /* records sent in the current transmission */
    uint64_t ack_deadline;  /* delayed ACK timer, 0 when not armed */
    unsigned ack_repeats;   /* ACKs repeated while waiting mid-flight */
    bool ack_after_datagram; /* a retransmission arrived after the handshake: ACK it */
    uint64_t last_flight_ms; /* for the idle timer reset */
    bool ku_pending_request; /* peer asked for an update while ours was in flight */
    d13_epoch_keys read_prev; /* previous application read epoch, kept for reordering */
    uint64_t read_prev_expiry;
    uint64_t key_update_limit; /* records per write epoch before an automatic KeyUpdate */
    d13_record_number rx_records[D13_MAX_RX_RECORDS]; /* current incoming flight */
    size_t num_rx_records;
    uint64_t last_old_retransmit_ms; /* rate limit for answering retransmissions */

    d13_read_queue rq;
    uint8_t *dgram; /* outgoing datagram being assembled (mtu bytes) */
    size_t dgram_len;
};

/* ---- engine.c ---- */
/** Raises an event through the callback. */
void d13_emit(dtls13_conn *c, dtls13_event_type type, uint8_t alert, bool fatal, const char *reason);
/** Fails the handshake/connection: sends a fatal alert, records the reason. Returns DTLS13_ERR_HANDSHAKE_FAILED. */
int d13_fail(dtls13_conn *c, uint8_t alert, const char *reason);
/** Fails on an internal error (alert internal_error). */
int d13_fail_internal(dtls13_conn *c, int err, const char *reason);
/** Formats a diagnostic line for the log callback (never with secrets). */
void d13_logf(dtls13_conn *c, dtls13_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Writes a key log line for secret (if a key log callback is set). */
void d13_keylog(dtls13_conn *c, const char *label, const uint8_t *secret, size_t len);
/** Installs handshake (epoch 2) keys in both directions from the key schedule. */
int d13_install_handshake_keys(dtls13_conn *c);
/** Installs application (epoch 3) keys in both directions. */
int d13_install_application_keys(dtls13_conn *c);
/** Marks the handshake complete and raises HANDSHAKE_DONE. */
void d13_handshake_complete(dtls13_conn *c);
/** Sends an ACK for the records of the current incoming flight. */
int d13_send_ack(dtls13_conn *c);
/** Arms the delayed ACK timer (1/4 of the retransmission timeout) unless armed. */
void d13_arm_ack_timer(dtls13_conn *c);
/** Sends a KeyUpdate (request_update asks the peer to update too). */
int d13_send_key_update(dtls13_conn *c, bool request_update);
/** Processes a received KeyUpdate (in epoch). */
int d13_handle_key_update(dtls13_conn *c, const uint8_t *body, size_t len, uint64_t epoch);
/** Called when the KeyUpdate flight is acknowledged: switches to the next write epoch. */
int d13_key_update_acked(dtls13_conn *c);
/** Remembers a received handshake record for a later ACK. */
void d13_note_rx_record(dtls13_conn *c, uint64_t epoch, uint64_t seq);

/* ---- flight.c ---- */
/** Discards a flight (acknowledged) and stops its timer. */
void d13_flight_clear(d13_flight *f);
/** Starts a new handshake flight (discarding the previous one). */
int d13_flight_begin(dtls13_conn *c, d13_flight *f);
/** Returns a writer over free space of the flight buffer for a message body. */
d13_writer d13_flight_body_writer(d13_flight *f);
/** Records the body just written (len bytes) as message type in epoch,
 *  assigns its message_seq and adds it to the transcript when add_to_transcript. */
int d13_flight_add(dtls13_conn *c, d13_flight *f, uint8_t msg_type, size_t len, uint64_t epoch, bool add_to_transcript);
/** Sends the flight (first transmission, within the burst and
 *  anti-amplification limits) and arms its timer. */
int d13_flight_send(dtls13_conn *c, d13_flight *f, bool needs_ack);
/** Continues the first transmission where a limit stopped it. */
int d13_flight_pump(dtls13_conn *c, d13_flight *f);
/** Retransmits the unacknowledged part of the flight (timer expiry). */
int d13_flight_retransmit(dtls13_conn *c, d13_flight *f);
/** Processes an ACK; returns true when it completed the flight (which is then cleared).
 *  A partial ACK that shows a record lost (one sent no later than the newest
 *  record it acknowledges is missing) resends the unacknowledged records at
 *  once and re-arms the timer with the value just measured (RFC 9147 5.8.1,
 *  7.2); it is no timeout (no MTU backoff, no step towards giving up). */
bool d13_flight_on_ack(dtls13_conn *c, d13_flight *f, const d13_ack *ack);
/** The peer's reply implicitly acknowledged the flight: measure the RTT and clear it. */
void d13_flight_implicit_ack(dtls13_conn *c, d13_flight *f);
/** Hands the assembled datagram to the send callback. */
int d13_flush_datagram(dtls13_conn *c);
/** Appends one record (plaintext for epoch 0, else protected) to the
 *  datagram being assembled, flushing first when it would not fit. */
int d13_append_record(dtls13_conn *c, uint64_t epoch, uint8_t content_type, const uint8_t *data,
                      size_t len, uint64_t *seq_out);
/** Sets the retransmission timeout to 1.5 x rtt_ms, clamped. */
void d13_set_timeout_from_rtt(dtls13_conn *c, uint64_t rtt_ms);

/* ---- client.c / server.c ---- */
/** Client: builds and sends the ClientHello. */
int d13_client_start(dtls13_conn *c);
/** Client: processes one complete handshake message. */
int d13_client_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch);
/** Server: primes a fresh connection created by the stateless listener
 *  after its HelloRetryRequest: the transcript becomes
 *  message_hash(ClientHello1) || HelloRetryRequest (hrr_body without the
 *  handshake header), the second ClientHello is expected with message_seq
 *  1, our next message gets message_seq 1, epoch 0 records continue at
 *  epoch0_seq, and the client's address counts as validated. group is the
 *  group whose key share the second ClientHello must carry. */
int d13_server_prime_after_hrr(dtls13_conn *c, uint16_t suite, uint16_t group, const uint8_t *ch1_hash,
                               size_t hash_len, const uint8_t *hrr_body, size_t hrr_len, uint64_t epoch0_seq);
/** Server: processes one complete handshake message. */
int d13_server_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch);

/* ---- auth.c ---- */
/** Appends our Certificate message to the flight. */
int d13_auth_send_certificate(dtls13_conn *c, uint64_t epoch);
/** Appends our CertificateVerify (signed with own_sig_scheme). */
int d13_auth_send_certificate_verify(dtls13_conn *c, uint64_t epoch);
/** Appends our Finished. */
int d13_auth_send_finished(dtls13_conn *c, uint64_t epoch);
/** Processes the peer's Certificate (stores it, checks the fingerprint). */
int d13_auth_recv_certificate(dtls13_conn *c, const uint8_t *body, size_t len, bool *empty);
/** Processes the peer's CertificateVerify (and runs the verify callback). */
int d13_auth_recv_certificate_verify(dtls13_conn *c, const uint8_t *body, size_t len);
/** Processes the peer's Finished. */
int d13_auth_recv_finished(dtls13_conn *c, const uint8_t *body, size_t len);
/** Picks our signature scheme from the peer's list; 0 when none fits. */
uint16_t d13_auth_choose_scheme(const dtls13_conn *c, const uint16_t *peer, size_t n);

#endif
