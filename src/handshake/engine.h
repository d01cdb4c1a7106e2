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
    /* DTLS 1.2 client (RFC 6347, RFC 5246 7.3), after its ServerHello */
    D12_HS_C_WAIT_CERT,
    D12_HS_C_WAIT_SKE,
    D12_HS_C_WAIT_CR_SHD,
    D12_HS_C_WAIT_SHD,
    D12_HS_C_WAIT_CCS,
    D12_HS_C_WAIT_FINISHED,
    /* DTLS 1.2 server, after its ServerHello flight */
    D12_HS_S_WAIT_CERT,
    D12_HS_S_WAIT_CKE,
    D12_HS_S_WAIT_CV,
    D12_HS_S_WAIT_CCS,
    D12_HS_S_WAIT_FINISHED,
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
/* Least time a server keeps the handshake read keys after completion. */
#define D13_HS_KEYS_LINGER_MS 4000u
#define D13_MIN_TIMEOUT_MS 20u
#define D13_MAX_RECORDS_PER_TRANSMISSION 10
#define D13_READ_QUEUE_CAP (32u * 1024u)    /* most application data queued unread */
#define D13_READ_QUEUE_INITIAL 2048u        /* first allocation; doubles up to the cap */

/** One outgoing handshake message of the current flight. */
typedef struct d13_out_msg {
    bool is_ccs;       /* DTLS 1.2 ChangeCipherSpec: one record, no handshake header or message_seq */
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
    uint8_t *buf; /* message bodies, buf_cap bytes while in use */
    size_t buf_len;
    size_t buf_cap; /* D13_FLIGHT_BUF while the flight is built, buf_len once kept (d13_flight_shrink) */
    d13_out_msg msgs[D13_FLIGHT_MAX_MSGS];
    size_t num_msgs;
    d13_sent_record *recs; /* recs_cap entries, allocated with buf */
    size_t recs_cap;       /* D13_FLIGHT_MAX_RECORDS, or num_recs once kept (d13_flight_shrink) */
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

/** DTLS 1.2 handshake_messages (RFC 5246 7.4.9, RFC 6347 4.2.6): every
 *  message with its 12-byte DTLS header as if sent in one fragment, for
 *  the Finished hashes, the extended master secret and CertificateVerify.
 *  Freed when the handshake ends. */
typedef struct d12_hslog {
    uint8_t *buf;
    size_t len, cap;
    /* Running hash of buf[0..hashed) in the PRF hash, made at the first
     * d12_hslog_hash (the suite is known by then): each Finished and the
     * session hash only add what came since. */
    d13_hash_ctx *hash;
    size_t hashed;
} d12_hslog;

/** What a DTLS 1.2 connection keeps beyond the shared fields. */
typedef struct d12_state {
    d12_hslog log;
    d13_hash_alg prf_hash;
    uint8_t master[48];
    uint8_t pms[D13_MAX_KEY_LEN * 3]; /* client: from ServerKeyExchange until its flight */
    size_t pms_len;
    bool ems;          /* extended_master_secret negotiated (RFC 7627) */
    bool secure_reneg; /* renegotiation_info exchanged (RFC 5746) */
    bool read_epoch1;  /* the peer's ChangeCipherSpec arrived: its epoch 1 is read */
    bool write_epoch1; /* ours was sent: alerts and data go in epoch 1 */
    uint8_t own_verify_data[12]; /* server: to resend its final flight */
    uint16_t own_finished_seq;
    uint8_t hvr_cookie[255]; /* client: cookie of the HelloVerifyRequest */
    size_t hvr_cookie_len;
    unsigned hvr_count;
    uint64_t last_final_resend_ms;
} d12_state;

/** FIFO of received application data records. */
typedef struct d13_read_queue {
    uint8_t *buf; /* allocated on first use, cap bytes, grown by doubling */
    size_t cap;
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
    unsigned ack_repeats;   /* ACKs repeated while waiting mid-flight since the peer's last new record */
    uint32_t ack_repeat_ms; /* the interval before the next repeat: doubles, like a retransmission timer */
    bool ack_after_datagram; /* a retransmission arrived after the handshake: ACK it */
    uint64_t last_flight_ms; /* for the idle timer reset */
    bool ku_pending_request; /* peer asked for an update while ours was in flight */
    d13_epoch_keys read_prev; /* previous application read epoch, kept for reordering */
    uint64_t read_prev_expiry;
    /* Server: when the epoch 2 read keys go after the handshake (0: not
     * armed; see d13_retire_handshake_keys). */
    uint64_t hs_keys_expiry;
    uint64_t key_update_limit; /* records per write epoch before an automatic KeyUpdate */
    d13_record_number rx_records[D13_MAX_RX_RECORDS]; /* current incoming flight */
    size_t num_rx_records;
    uint64_t last_old_retransmit_ms; /* rate limit for answering retransmissions */

    /* DTLS 1.2 (RFC 6347): set once the ServerHello (client) or the
     * ClientHello (server) chose it; the 1.2 machine then runs the
     * connection (handshake/engine12.h). */
    bool dtls12;
    d12_state v12;

    d13_read_queue rq;
    uint8_t *dgram; /* outgoing datagram being assembled + fragment scratch (2 x mtu bytes) */
    size_t dgram_len;
    /* With a shared datagram buffer (dtls13_conn_share_datagram_buffer) the
     * connection holds dgram only inside a call of the API: borrowed from
     * the shared buffer, or allocated for that call when another
     * connection is using it (a callback of one sending on another). */
    struct dtls13_datagram_buffer *shared_dgram;
    bool dgram_borrowed;
    unsigned api_depth; /* calls of the API in progress (callbacks may nest them) */
};

struct dtls13_datagram_buffer {
    uint8_t *buf;
    size_t cap;
    bool busy; /* a connection is assembling a datagram in it */
};

/** Makes c->dgram available (borrowed, or allocated). */
int d13_dgram_acquire(dtls13_conn *c);
/** With a shared buffer: gives c->dgram back (or frees it); the datagram
 *  must have been flushed. Without one the connection keeps its own. */
void d13_dgram_release(dtls13_conn *c);

/* ---- engine.c ---- */
/** Raises an event through the callback. */
void d13_emit(dtls13_conn *c, dtls13_event_type type, uint8_t alert, bool fatal, const char *reason);
/** Fails the handshake/connection: sends a fatal alert, records the reason. Returns DTLS13_ERR_HANDSHAKE_FAILED. */
int d13_fail(dtls13_conn *c, uint8_t alert, const char *reason);
/** Sends one alert record (level 1 warning, 2 fatal) in the epoch the peer reads now. */
void d13_send_alert(dtls13_conn *c, uint8_t level, uint8_t description);
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
/** Frees the epoch 2 (handshake) keys of a DTLS 1.3 connection whose
 *  handshake is over: the client's once its final flight is acknowledged
 *  (or given up), the server's write keys at completion and its read keys
 *  when hs_keys_expiry passes. */
void d13_retire_handshake_keys(dtls13_conn *c);
/** How long a DTLS 1.3 server keeps its epoch 2 read keys after the last
 *  sign of the client's final flight, to acknowledge retransmissions of it
 *  (RFC 9147 5.8.4) when our ACK was lost: at least D13_HS_KEYS_LINGER_MS,
 *  well beyond the client's retransmission timer. */
uint64_t d13_hs_keys_linger_ms(const dtls13_conn *c);
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
/** Appends a DTLS 1.2 ChangeCipherSpec (sent in epoch) to the flight. */
int d13_flight_add_ccs(dtls13_conn *c, d13_flight *f, uint64_t epoch);
/** Sends the flight (first transmission, within the burst and
 *  anti-amplification limits) and arms its timer. */
int d13_flight_send(dtls13_conn *c, d13_flight *f, bool needs_ack);
/** Continues the first transmission where a limit stopped it. */
int d13_flight_pump(dtls13_conn *c, d13_flight *f);
/** Retransmits the unacknowledged part of the flight (timer expiry); counts
 *  towards D13_MAX_RETRANSMITS. */
int d13_flight_retransmit(dtls13_conn *c, d13_flight *f);
/** Resends the unacknowledged part of the flight in answer to the peer's
 *  retransmission. It does not count towards D13_MAX_RETRANSMITS: the peer
 *  is alive, and its own retransmission limit bounds these answers (a
 *  server held back by the anti-amplification limit would otherwise give up
 *  while the client still retries). */
int d13_flight_answer_retransmission(dtls13_conn *c, d13_flight *f);
/** Processes an ACK; returns true when it completed the flight (which is then cleared).
 *  A partial ACK that shows a record lost (one sent no later than the newest
 *  record it acknowledges is missing) resends the unacknowledged records at
 *  once and re-arms the timer with the value just measured (RFC 9147 5.8.1,
 *  7.2); it is no timeout (no MTU backoff, no step towards giving up). */
bool d13_flight_on_ack(dtls13_conn *c, d13_flight *f, const d13_ack *ack);
/** The peer's reply implicitly acknowledged the flight: measure the RTT and clear it. */
void d13_flight_implicit_ack(dtls13_conn *c, d13_flight *f);
/** A complete flight kept for a long time (the DTLS 1.2 server's final
 *  flight, resent whenever the client repeats its own): its buffer shrinks
 *  to the bytes it holds. Nothing can be added to it afterwards. */
void d13_flight_shrink(d13_flight *f);
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
/** Client: (re)builds the ClientHello into a new flight and sends it:
 *  DTLS 1.3 and/or 1.2 as the configured range allows, with the cookie of
 *  a HelloRetryRequest (1.3) or HelloVerifyRequest (1.2) when there was one. */
int d13_client_send_hello(dtls13_conn *c);
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
/** Client: takes the server's use_srtp answer (EncryptedExtensions in
 *  1.3, ServerHello in 1.2): one profile we offered, our MKI or none. */
int d13_client_accept_srtp(dtls13_conn *c, const d13_extensions *e);
/** Server: picks our first SRTP profile the client offers (none when it
 *  did not send use_srtp) and echoes its MKI (RFC 5764 4.1.1). */
void d13_server_choose_srtp(dtls13_conn *c, const d13_extensions *e);
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
/** Takes the peer's end-entity certificate (DER): checks the expected
 *  fingerprint, extracts the public key, keeps a copy (DTLS 1.2 and 1.3). */
int d13_auth_accept_peer_certificate(dtls13_conn *c, const uint8_t *der, size_t len);
/** Runs the application's verify callback on the peer certificate (after
 *  its key proved possession); fails with bad_certificate when it refuses. */
int d13_auth_run_verify_callback(dtls13_conn *c);
/** Picks our signature scheme from the peer's list; 0 when none fits. */
uint16_t d13_auth_choose_scheme(const dtls13_conn *c, const uint16_t *peer, size_t n);

#endif
