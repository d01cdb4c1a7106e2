/* The GStreamer pair against Debian's: packets per second and process CPU
 * time per packet of one RTP stream through dtls13srtpenc -> dtls13srtpdec
 * (DTLS 1.3, this project) and through gst-plugins-bad's dtlssrtpenc ->
 * dtlssrtpdec (OpenSSL DTLS 1.2), both with SRTP_AES128_CM_SHA1_80, in the
 * same run. Target (issue 2): ours at least 1.0x theirs.
 *
 * Each stack is two pipelines in this process, a DTLS client and a DTLS
 * server, each holding one encoder and one decoder of one connection-id.
 * The client's encoder src pad is linked straight to the server's decoder
 * sink pad and the server's encoder to the client's decoder (pads of two
 * pipelines, linked without the hierarchy check), so the handshake runs
 * over memory. The RTP stream is pushed from this thread through a src pad
 * of ours into the client encoder's rtp_sink_0 and counted by a sink pad
 * of ours on the server decoder's rtp_src: for both stacks the whole
 * protect -> unprotect path runs in the pushing thread (Debian's bins are
 * srtpenc -> funnel and dtlssrtpdemux -> srtpdec), and the clocks stop
 * when the last packet arrives. The handshake, the packet generation and
 * a warm-up (the first packets, while the decoders pick up their keys) are
 * outside the timed rounds.
 *
 * The packets: 1200-byte VP8-like payloads (a payload descriptor and the
 * same pseudo-random bytes every time) behind a 12-byte RTP header, one
 * SSRC, sequence numbers and timestamps counting up (ten packets a frame,
 * 30 frames a second). Every round of every stack pushes the same packets:
 * each stack's sequence numbers start at the same value and advance alike.
 *
 * Rounds alternate (ours then theirs, theirs then ours, ...) so that a
 * noisy machine slows both alike; the table shows each stack's median
 * round and the ratios are the medians of the per-pair ratios. Our
 * SRTP_AEAD_AES_128_GCM is measured too, for information only: Debian's
 * DTLS 1.2 elements (GStreamer 1.22) offer SRTP_AES128_CM_SHA1_80 alone.
 *
 * Our plugin is loaded from the build directory (BENCH_GST_PLUGIN_DIR,
 * prepended to GST_PLUGIN_PATH_1_0), Debian's from the system path; the
 * plugin registry is kept in the build directory (BENCH_GST_REGISTRY)
 * unless GST_REGISTRY_1_0 is set.
 *
 * Usage: bench_gst [PACKETS_PER_ROUND [ROUNDS]]   (default 10000 7) */
#include <gst/gst.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RTP_HEADER_LEN 12
#define RTP_PAYLOAD_LEN 1200
#define RTP_PACKET_LEN (RTP_HEADER_LEN + RTP_PAYLOAD_LEN)
#define RTP_SSRC 0x1b2c3d4eu
#define RTP_PAYLOAD_TYPE 96
#define PACKETS_PER_FRAME 10
#define TIMESTAMP_PER_FRAME 3000u /* 90 kHz clock, 30 frames a second */
#define RTP_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
#define FIRST_SEQ 1000u

#define HANDSHAKE_TIMEOUT_MS 20000
#define WARMUP_TIMEOUT_MS 10000
#define WARMUP_BATCH 50
#define DELIVERY_TIMEOUT_MS 20000
#define DEFAULT_PACKETS 10000
#define DEFAULT_ROUNDS 7
#define MAX_ROUNDS 101

/* One of the stacks compared. */
typedef struct {
    const char *label;
    const char *enc_factory;
    const char *dec_factory;
    const char *id_prefix;    /* connection-ids: PREFIX-client, PREFIX-server */
    const char *srtp_profile; /* our srtp-profiles; NULL: Debian's (no such property) */
} StackKind;

enum { STACK_OURS, STACK_DEBIAN, STACK_OURS_GCM, STACK_COUNT };

static const StackKind stack_kinds[STACK_COUNT] = {
    {"dtls13srtpenc/dec (DTLS 1.3)", "dtls13srtpenc", "dtls13srtpdec", "bench-d13-cm",
     "SRTP_AES128_CM_SHA1_80"},
    {"dtlssrtpenc/dec (DTLS 1.2)", "dtlssrtpenc", "dtlssrtpdec", "bench-deb", NULL},
    {"dtls13srtpenc/dec (DTLS 1.3)", "dtls13srtpenc", "dtls13srtpdec", "bench-d13-gcm",
     "SRTP_AEAD_AES_128_GCM"},
};

/* One DTLS endpoint: a pipeline with the encoder and decoder of one id. */
typedef struct {
    GstElement *pipeline, *enc, *dec;
} Side;

/* One stack under test, with the pads this program pushes and counts on. */
typedef struct {
    const StackKind *kind;
    Side client, server;
    GstPad *enc_rtp_sink; /* the client encoder's requested rtp_sink_0 */
    GstPad *feed;         /* our src pad, linked to enc_rtp_sink */
    GstPad *drain;        /* our sink pad, linked from the server decoder's rtp_src */
    gint keys_set;        /* on-key-set emissions of both encoders (atomic) */
    gint received;        /* RTP packets out of the server decoder (atomic) */
    gint arrival_target;  /* the drain stamps last_arrival_ns when received reaches it */
    _Atomic gint64 last_arrival_ns;
    guint32 next_seq;
    gchar *negotiated;    /* what the handshake settled on, for the table */
} Stack;

/* What one timed round measured. */
typedef struct {
    double pps;
    double cpu_ns_per_packet;
    long delivered;
} RoundResult;

static gint64 clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of values[0..n) (sorts them). */
static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof values[0], compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* ---- the RTP stream ---- */

/* The VP8-like payload every packet carries: a payload descriptor with S
 * set, then fixed pseudo-random bytes (a linear congruential sequence). */
static void make_payload(guint8 *payload)
{
    guint32 x = 0x2545f491u;
    payload[0] = 0x10;
    for (size_t i = 1; i < RTP_PAYLOAD_LEN; i++) {
        x = x * 1664525u + 1013904223u;
        payload[i] = (guint8)(x >> 24);
    }
}

/* A new RTP packet with sequence number seq (and the timestamp and marker
 * that go with it). */
static GstBuffer *make_packet(const guint8 *payload, guint32 seq)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, RTP_PACKET_LEN, NULL);
    guint32 frame = (seq - FIRST_SEQ) / PACKETS_PER_FRAME;
    guint32 ts = frame * TIMESTAMP_PER_FRAME;
    gboolean last_of_frame = (seq - FIRST_SEQ) % PACKETS_PER_FRAME == PACKETS_PER_FRAME - 1;
    guint8 header[RTP_HEADER_LEN] = {
        0x80, (guint8)((last_of_frame ? 0x80 : 0) | RTP_PAYLOAD_TYPE), (guint8)(seq >> 8), (guint8)seq,
        (guint8)(ts >> 24), (guint8)(ts >> 16), (guint8)(ts >> 8), (guint8)ts,
        (guint8)(RTP_SSRC >> 24), (guint8)(RTP_SSRC >> 16), (guint8)(RTP_SSRC >> 8), (guint8)RTP_SSRC,
    };
    gst_buffer_fill(buf, 0, header, sizeof header);
    gst_buffer_fill(buf, RTP_HEADER_LEN, payload, RTP_PAYLOAD_LEN);
    return buf;
}

/* ---- pads and signals of ours ---- */

static GstFlowReturn drain_chain(GstPad *pad, GstObject *parent, GstBuffer *buf)
{
    Stack *stack = gst_pad_get_element_private(pad);
    (void)parent;
    gst_buffer_unref(buf);
    if (g_atomic_int_add(&stack->received, 1) + 1 == g_atomic_int_get(&stack->arrival_target))
        atomic_store(&stack->last_arrival_ns, clock_ns(CLOCK_MONOTONIC));
    return GST_FLOW_OK;
}

static gboolean drain_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
    (void)pad;
    (void)parent;
    gst_event_unref(event);
    return TRUE;
}

static void on_key_set(GstElement *element, gpointer user_data)
{
    Stack *stack = user_data;
    (void)element;
    g_atomic_int_inc(&stack->keys_set);
}

/* ---- setting a stack up and down ---- */

static gboolean make_side(Side *side, Stack *stack, gboolean is_client)
{
    const StackKind *kind = stack->kind;
    gchar *id = g_strdup_printf("%s-%s", kind->id_prefix, is_client ? "client" : "server");
    gboolean ok = FALSE;

    side->pipeline = gst_pipeline_new(id);
    /* Debian's encoder finds the connection its decoder made for the id. */
    side->dec = gst_element_factory_make(kind->dec_factory, NULL);
    if (side->dec != NULL)
        g_object_set(side->dec, "connection-id", id, NULL);
    side->enc = gst_element_factory_make(kind->enc_factory, NULL);
    if (side->enc == NULL || side->dec == NULL) {
        fprintf(stderr, "bench_gst: cannot make %s / %s\n", kind->enc_factory, kind->dec_factory);
        goto out;
    }
    g_object_set(side->enc, "connection-id", id, "is-client", is_client, NULL);
    if (kind->srtp_profile != NULL)
        g_object_set(side->enc, "srtp-profiles", kind->srtp_profile, NULL);
    gst_bin_add_many(GST_BIN(side->pipeline), gst_object_ref(side->enc), gst_object_ref(side->dec), NULL);
    g_signal_connect(side->enc, "on-key-set", G_CALLBACK(on_key_set), stack);
    ok = TRUE;
out:
    g_free(id);
    return ok;
}

/* Links src of pipeline A to sink of pipeline B: the link a network would
 * be (no hierarchy check, the pads live in different pipelines). */
static gboolean link_across(GstElement *from, const char *src_name, GstElement *to, const char *sink_name)
{
    GstPad *src = gst_element_get_static_pad(from, src_name);
    GstPad *sink = gst_element_get_static_pad(to, sink_name);
    gboolean ok = src != NULL && sink != NULL &&
                  gst_pad_link_full(src, sink, GST_PAD_LINK_CHECK_NOTHING) == GST_PAD_LINK_OK;
    if (src != NULL)
        gst_object_unref(src);
    if (sink != NULL)
        gst_object_unref(sink);
    return ok;
}

/* Our src pad into the client encoder, with the stream events RTP needs. */
static gboolean attach_feed(Stack *stack)
{
    GstCaps *caps = gst_caps_from_string(RTP_CAPS);
    GstSegment segment;
    gboolean ok;

    stack->enc_rtp_sink = gst_element_request_pad_simple(stack->client.enc, "rtp_sink_0");
    if (stack->enc_rtp_sink == NULL) {
        gst_caps_unref(caps);
        return FALSE;
    }
    stack->feed = gst_pad_new("bench_rtp_feed", GST_PAD_SRC);
    gst_segment_init(&segment, GST_FORMAT_TIME);
    ok = gst_pad_link(stack->feed, stack->enc_rtp_sink) == GST_PAD_LINK_OK && gst_pad_set_active(stack->feed, TRUE);
    if (ok) {
        gst_pad_push_event(stack->feed, gst_event_new_stream_start(stack->kind->id_prefix));
        gst_pad_push_event(stack->feed, gst_event_new_caps(caps));
        gst_pad_push_event(stack->feed, gst_event_new_segment(&segment));
    }
    gst_caps_unref(caps);
    return ok;
}

/* Our sink pad counting what the server decoder decrypts. */
static gboolean attach_drain(Stack *stack)
{
    GstPad *rtp_src = gst_element_get_static_pad(stack->server.dec, "rtp_src");
    gboolean ok;

    stack->drain = gst_pad_new("bench_rtp_drain", GST_PAD_SINK);
    gst_pad_set_element_private(stack->drain, stack);
    gst_pad_set_chain_function(stack->drain, drain_chain);
    gst_pad_set_event_function(stack->drain, drain_event);
    ok = rtp_src != NULL && gst_pad_set_active(stack->drain, TRUE) &&
         gst_pad_link(rtp_src, stack->drain) == GST_PAD_LINK_OK;
    if (rtp_src != NULL)
        gst_object_unref(rtp_src);
    return ok;
}

/* Prints the first error message either pipeline posted; TRUE if any. */
static gboolean pipeline_failed(Stack *stack)
{
    GstElement *pipelines[2] = {stack->client.pipeline, stack->server.pipeline};
    for (int i = 0; i < 2; i++) {
        GstBus *bus = gst_element_get_bus(pipelines[i]);
        GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
        gst_object_unref(bus);
        if (msg != NULL) {
            GError *error = NULL;
            gchar *debug = NULL;
            gst_message_parse_error(msg, &error, &debug);
            fprintf(stderr, "bench_gst: %s: %s (%s)\n", GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)),
                    error ? error->message : "error", debug ? debug : "");
            g_clear_error(&error);
            g_free(debug);
            gst_message_unref(msg);
            return TRUE;
        }
    }
    return FALSE;
}

/* The first element made by factory_name inside bin, at any depth (a new
 * reference), or NULL. */
static GstElement *find_child_by_factory(GstElement *bin, const char *factory_name)
{
    GstIterator *it = gst_bin_iterate_recurse(GST_BIN(bin));
    GValue item = G_VALUE_INIT;
    GstElement *found = NULL;

    while (found == NULL && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        GstElement *child = g_value_get_object(&item);
        GstElementFactory *factory = gst_element_get_factory(child);
        if (factory != NULL && strcmp(GST_OBJECT_NAME(factory), factory_name) == 0)
            found = gst_object_ref(child);
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return found;
}

/* What the handshake negotiated, as "VERSION PROFILE". */
static gchar *describe_negotiated(Stack *stack)
{
    gchar *version = NULL, *profile = NULL, *text;
    GstElement *dtlsenc;
    guint cipher = 0, auth = 0;

    if (stack->kind->srtp_profile != NULL) {
        g_object_get(stack->client.enc, "negotiated-version", &version, "srtp-profile", &profile, NULL);
        text = g_strdup_printf("%s %s", version ? version : "?", profile ? profile : "?");
        g_free(version);
        g_free(profile);
        return text;
    }
    /* dtlsenc: srtp-cipher 1 = aes-128-icm, srtp-auth 2 = hmac-sha1-80. */
    dtlsenc = find_child_by_factory(stack->client.enc, "dtlsenc");
    if (dtlsenc == NULL)
        return g_strdup("DTLS1.2 ?");
    g_object_get(dtlsenc, "srtp-cipher", &cipher, "srtp-auth", &auth, NULL);
    gst_object_unref(dtlsenc);
    if (cipher == 1 && auth == 2)
        return g_strdup("DTLS1.2 SRTP_AES128_CM_SHA1_80");
    if (cipher == 1 && auth == 1)
        return g_strdup("DTLS1.2 SRTP_AES128_CM_SHA1_32");
    return g_strdup_printf("DTLS1.2 cipher %u auth %u", cipher, auth);
}

static void free_side(Side *side)
{
    if (side->pipeline != NULL)
        gst_object_unref(side->pipeline);
    if (side->enc != NULL)
        gst_object_unref(side->enc);
    if (side->dec != NULL)
        gst_object_unref(side->dec);
    memset(side, 0, sizeof *side);
}

/* Stops both pipelines (both before freeing either: each pushes into the
 * other) and frees everything. */
static void stack_free(Stack *stack)
{
    if (stack->client.pipeline != NULL)
        gst_element_set_state(stack->client.pipeline, GST_STATE_NULL);
    if (stack->server.pipeline != NULL)
        gst_element_set_state(stack->server.pipeline, GST_STATE_NULL);
    if (stack->feed != NULL) {
        if (stack->enc_rtp_sink != NULL)
            gst_pad_unlink(stack->feed, stack->enc_rtp_sink);
        gst_pad_set_active(stack->feed, FALSE);
        gst_object_unref(stack->feed);
    }
    if (stack->enc_rtp_sink != NULL) {
        gst_element_release_request_pad(stack->client.enc, stack->enc_rtp_sink);
        gst_object_unref(stack->enc_rtp_sink);
    }
    if (stack->drain != NULL) {
        GstPad *rtp_src = gst_pad_get_peer(stack->drain);
        if (rtp_src != NULL) {
            gst_pad_unlink(rtp_src, stack->drain);
            gst_object_unref(rtp_src);
        }
        gst_pad_set_active(stack->drain, FALSE);
        gst_object_unref(stack->drain);
    }
    free_side(&stack->client);
    free_side(&stack->server);
    g_free(stack->negotiated);
    memset(stack, 0, sizeof *stack);
}

/* Waits until *counter reaches want, polling every millisecond. */
static gboolean wait_for_count(Stack *stack, gint *counter, gint want, guint timeout_ms)
{
    gint64 deadline = clock_ns(CLOCK_MONOTONIC) + (gint64)timeout_ms * 1000000;
    while (g_atomic_int_get(counter) < want) {
        if (clock_ns(CLOCK_MONOTONIC) > deadline || pipeline_failed(stack))
            return FALSE;
        g_usleep(1000);
    }
    return TRUE;
}

/* count new packets from sequence number first_seq on (made before the
 * clocks start). */
static GstBuffer **make_packets(const guint8 *payload, guint32 first_seq, long count)
{
    GstBuffer **packets = g_new(GstBuffer *, (gsize)count);
    for (long i = 0; i < count; i++)
        packets[i] = make_packet(payload, first_seq + (guint32)i);
    return packets;
}

/* Pushes the packets (taking them), frees any it could not push; FALSE
 * when the encoder refused one. */
static gboolean push_packets(Stack *stack, GstBuffer **packets, long count)
{
    long i = 0;
    GstFlowReturn ret = GST_FLOW_OK;
    for (; i < count && ret == GST_FLOW_OK; i++)
        ret = gst_pad_push(stack->feed, packets[i]);
    for (; i < count; i++)
        gst_buffer_unref(packets[i]);
    if (ret != GST_FLOW_OK)
        fprintf(stderr, "bench_gst: %s: push returned %s\n", stack->kind->label, gst_flow_get_name(ret));
    return ret == GST_FLOW_OK;
}

/* Builds both pipelines, runs the handshake and the warm-up. */
static gboolean stack_start(Stack *stack, const StackKind *kind, const guint8 *payload)
{
    gint64 t0;

    memset(stack, 0, sizeof *stack);
    stack->kind = kind;
    stack->next_seq = FIRST_SEQ;
    if (!make_side(&stack->server, stack, FALSE) || !make_side(&stack->client, stack, TRUE))
        return FALSE;
    if (!link_across(stack->client.enc, "src", stack->server.dec, "sink") ||
        !link_across(stack->server.enc, "src", stack->client.dec, "sink") || !attach_feed(stack) ||
        !attach_drain(stack)) {
        fprintf(stderr, "bench_gst: %s: cannot link the pipelines\n", kind->label);
        return FALSE;
    }
    t0 = clock_ns(CLOCK_MONOTONIC);
    /* The server first: the client's first flight must find it running. */
    if (gst_element_set_state(stack->server.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE ||
        gst_element_set_state(stack->client.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        pipeline_failed(stack);
        fprintf(stderr, "bench_gst: %s: the pipelines do not start\n", kind->label);
        return FALSE;
    }
    if (!wait_for_count(stack, &stack->keys_set, 2, HANDSHAKE_TIMEOUT_MS)) {
        fprintf(stderr, "bench_gst: %s: no SRTP keys after the handshake\n", kind->label);
        return FALSE;
    }
    stack->negotiated = describe_negotiated(stack);
    printf("  %-30s %-32s handshake %.0f ms\n", kind->label, stack->negotiated,
           (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1e6);

    /* Warm-up: batches until one gets through whole (the decoder has its
     * key and its SSRC stream). */
    t0 = clock_ns(CLOCK_MONOTONIC);
    for (;;) {
        GstBuffer **packets = make_packets(payload, stack->next_seq, WARMUP_BATCH);
        gboolean pushed;
        g_atomic_int_set(&stack->received, 0);
        pushed = push_packets(stack, packets, WARMUP_BATCH);
        g_free(packets);
        stack->next_seq += WARMUP_BATCH;
        if (!pushed)
            return FALSE;
        if (wait_for_count(stack, &stack->received, WARMUP_BATCH, 50))
            return TRUE;
        if (clock_ns(CLOCK_MONOTONIC) - t0 > (gint64)WARMUP_TIMEOUT_MS * 1000000) {
            fprintf(stderr, "bench_gst: %s: no packet gets through the decoder\n", kind->label);
            return FALSE;
        }
    }
}

/* One timed round of count packets. */
static gboolean stack_round(Stack *stack, const guint8 *payload, long count, RoundResult *result)
{
    GstBuffer **packets = make_packets(payload, stack->next_seq, count);
    gint64 wall0, cpu0, wall1, cpu1;
    gboolean ok;

    stack->next_seq += (guint32)count;
    g_atomic_int_set(&stack->received, 0);
    g_atomic_int_set(&stack->arrival_target, (gint)count);
    atomic_store(&stack->last_arrival_ns, 0);
    cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    wall0 = clock_ns(CLOCK_MONOTONIC);
    ok = push_packets(stack, packets, count);
    g_free(packets);
    ok = ok && wait_for_count(stack, &stack->received, (gint)count, DELIVERY_TIMEOUT_MS);
    cpu1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    wall1 = ok ? atomic_load(&stack->last_arrival_ns) : clock_ns(CLOCK_MONOTONIC);
    result->delivered = g_atomic_int_get(&stack->received);
    if (!ok) {
        fprintf(stderr, "bench_gst: %s: %ld of %ld packets delivered\n", stack->kind->label, result->delivered,
                count);
        return FALSE;
    }
    result->pps = (double)count * 1e9 / (double)MAX(wall1 - wall0, 1);
    result->cpu_ns_per_packet = (double)(cpu1 - cpu0) / (double)count;
    return TRUE;
}

/* ---- main ---- */

/* Our plugin from the build directory, before any other; the registry in
 * the build directory. */
static void point_gstreamer_at_build_dir(void)
{
    const char *existing = g_getenv("GST_PLUGIN_PATH_1_0");
    gchar *path;

    if (existing == NULL)
        existing = g_getenv("GST_PLUGIN_PATH");
    path = existing != NULL && existing[0] != '\0' ? g_strconcat(BENCH_GST_PLUGIN_DIR, ":", existing, NULL)
                                                   : g_strdup(BENCH_GST_PLUGIN_DIR);
    g_setenv("GST_PLUGIN_PATH_1_0", path, TRUE);
    g_free(path);
    if (g_getenv("GST_REGISTRY_1_0") == NULL && g_getenv("GST_REGISTRY") == NULL)
        g_setenv("GST_REGISTRY_1_0", BENCH_GST_REGISTRY, TRUE);
}

/* "NAME from FILE", or NULL when the element does not exist. */
static gchar *element_origin(const char *factory_name)
{
    GstElementFactory *factory = gst_element_factory_find(factory_name);
    GstPlugin *plugin;
    gchar *text;

    if (factory == NULL)
        return NULL;
    plugin = gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(factory));
    text = g_strdup_printf("%s from %s", factory_name,
                           plugin && gst_plugin_get_filename(plugin) ? gst_plugin_get_filename(plugin) : "?");
    if (plugin != NULL)
        gst_object_unref(plugin);
    gst_object_unref(factory);
    return text;
}

static void print_row(const char *label, const char *negotiated, double pps, double cpu_ns)
{
    printf("  %-30s %-32s %10.0f pkt/s %8.0f ns CPU/pkt %7.1f MB/s\n", label, negotiated, pps, cpu_ns,
           pps * RTP_PAYLOAD_LEN / 1e6);
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_PACKETS;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_ROUNDS;
    guint8 *payload;
    gchar *ours_origin, *theirs_origin;
    Stack stacks[STACK_COUNT];
    RoundResult results[STACK_COUNT];
    static double pps[STACK_COUNT][MAX_ROUNDS], cpu[STACK_COUNT][MAX_ROUNDS];
    static double pps_ratio[MAX_ROUNDS], cpu_ratio[MAX_ROUNDS];
    int status = 1;

    if (count <= 0 || count > G_MAXINT / 2 || rounds <= 0 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: bench_gst [PACKETS_PER_ROUND [ROUNDS (1-%d)]]\n", MAX_ROUNDS);
        return 2;
    }
    point_gstreamer_at_build_dir();
    gst_init(NULL, NULL);
    ours_origin = element_origin("dtls13srtpenc");
    theirs_origin = element_origin("dtlssrtpenc");
    if (ours_origin == NULL) {
        fprintf(stderr, "bench_gst: dtls13srtpenc not found (looked in %s)\n", BENCH_GST_PLUGIN_DIR);
        g_free(theirs_origin);
        gst_deinit();
        return 1;
    }
    printf("GStreamer DTLS-SRTP elements: one RTP stream (%d-byte payloads, one SSRC) client enc -> server dec,\n"
           "%ld rounds of %ld packets per stack, alternating; %s, %s\n",
           RTP_PAYLOAD_LEN, rounds, count, ours_origin,
           theirs_origin ? theirs_origin : "dtlssrtpenc not installed (gstreamer1.0-plugins-bad): ours only");
    payload = g_malloc(RTP_PAYLOAD_LEN);
    make_payload(payload);
    memset(stacks, 0, sizeof stacks);
    for (int s = 0; s < STACK_COUNT; s++) {
        if (s == STACK_DEBIAN && theirs_origin == NULL)
            continue; /* not installed: ours only */
        if (!stack_start(&stacks[s], &stack_kinds[s], payload))
            goto out;
    }

    for (long r = 0; r < rounds; r++) {
        /* ours, theirs, ours-GCM; then theirs, ours, ours-GCM; ... */
        int order[STACK_COUNT] = {STACK_OURS, STACK_DEBIAN, STACK_OURS_GCM};
        if (r % 2 == 1) {
            order[0] = STACK_DEBIAN;
            order[1] = STACK_OURS;
        }
        for (int i = 0; i < STACK_COUNT; i++) {
            int s = order[i];
            if (stacks[s].kind == NULL)
                continue;
            if (!stack_round(&stacks[s], payload, count, &results[s]))
                goto out;
            pps[s][r] = results[s].pps;
            cpu[s][r] = results[s].cpu_ns_per_packet;
        }
        if (stacks[STACK_DEBIAN].kind != NULL) {
            pps_ratio[r] = pps[STACK_OURS][r] / pps[STACK_DEBIAN][r];
            cpu_ratio[r] = cpu[STACK_DEBIAN][r] / cpu[STACK_OURS][r];
        }
    }

    printf("\n  median of %ld rounds:\n  %-30s %-32s %16s %20s %12s\n", rounds, "stack", "negotiated",
           "throughput", "CPU time", "payload");
    for (int s = 0; s < STACK_COUNT; s++) {
        if (stacks[s].kind == NULL)
            continue;
        print_row(stack_kinds[s].label, stacks[s].negotiated, median(pps[s], (int)rounds),
                  median(cpu[s], (int)rounds));
    }
    if (stacks[STACK_DEBIAN].kind != NULL) {
        double pr = median(pps_ratio, (int)rounds), cr = median(cpu_ratio, (int)rounds);
        printf("\n  SRTP_AES128_CM_SHA1_80, ours vs Debian's (median of the per-round ratios):\n");
        printf("    packets/s       ours / theirs: %.2fx\n", pr);
        printf("    CPU per packet  theirs / ours: %.2fx\n", cr);
        printf("  target: both ratios >= 1.0x (measured %.2fx, %.2fx): %s\n", pr, cr,
               pr >= 1.0 && cr >= 1.0 ? "met" : "NOT met");
    } else {
        printf("  target: ours / Debian's >= 1.0x: not measured (dtlssrtpenc missing)\n");
    }
    printf("  (SRTP_AEAD_AES_128_GCM: ours only; Debian's DTLS 1.2 elements offer no GCM profile)\n");
    status = 0;
out:
    for (int s = 0; s < STACK_COUNT; s++)
        if (stacks[s].kind != NULL || stacks[s].client.pipeline != NULL || stacks[s].server.pipeline != NULL)
            stack_free(&stacks[s]);
    g_free(payload);
    g_free(ours_origin);
    g_free(theirs_origin);
    gst_deinit();
    return status;
}
