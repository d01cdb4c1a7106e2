/* gst_nice_call: a DTLS 1.3 + SRTP VP8 call between two GStreamer pipelines
 * in one process, carried over libnice ICE (nicesrc / nicesink) on
 * 127.0.0.1.
 *
 *   gst_nice_call [--frames N] [--timeout SECONDS] [--path-ready yes|no]
 *
 * Two peers, alice and bob. Each has a NiceAgent (alice controlling, bob
 * controlled) with one stream of one component (RTP and RTCP multiplexed,
 * as WebRTC does), host candidates on 127.0.0.1 only, and a pipeline:
 *
 *   videotestsrc is-live ! vp8enc ! rtpvp8pay ! dtls13srtpenc ! nicesink
 *   nicesrc ! dtls13srtpdec ! rtpvp8depay ! vp8dec ! fakesink
 *
 * The program plays the signalling server: it hands each agent the other's
 * ICE credentials and candidates, and each peer the other's certificate
 * fingerprint, as an SDP offer/answer would. alice is the DTLS client,
 * bob the server. Both generate their certificate (no `pem`) at READY,
 * where `local-fingerprint` can be read; each side gets the other's as its
 * `peer-fingerprint` before the pipelines play.
 * bob sets `peer-address-validated`: DTLS only flows over the candidate
 * pair ICE checked, so RFC 9147's anti-amplification limit (5.1) has
 * nothing left to protect and would only hold back bob's first flight.
 * The pipelines play before ICE starts: nicesrc reads the agent's socket
 * (STUN included) only from its streaming thread, so ICE cannot connect
 * without it; the DTLS client's first flight, sent before a candidate pair
 * exists, is lost. When its ICE component is READY each encoder gets the
 * path-ready action signal, which resends it at once (--path-ready no
 * leaves it to the 400 ms retransmission timer).
 *
 * Progress goes to stdout; the last line is the summary. The exit status
 * is 0 when both peers decoded at least N frames (default 30) within the
 * timeout (default 20 s), 1 otherwise (the message names the stage that
 * did not finish), 2 for bad options. */
#include <gst/gst.h>
#include <nice/nice.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_FRAMES 30
#define DEFAULT_TIMEOUT_S 20.0
#define MAX_FRAMES 100000
#define MAX_TIMEOUT_S 3600.0
#define TICK_MS 50
#define FRAMES_REPORT_STEP 10
#define COMPONENT_ID 1
#define LOCAL_ADDRESS "127.0.0.1"
#define RTP_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"

typedef struct Call Call;

typedef struct {
    Call *call;
    const char *name;
    gboolean dtls_client;
    gboolean ice_controlling;
    NiceAgent *agent;
    guint stream_id;
    GstElement *pipeline, *enc, *nicesrc, *nicesink, *videosink;

    /* Main thread (agent signals, bus, tick) only. */
    gboolean gathered;
    guint candidates;
    guint ice_state;
    gboolean ice_ready;
    gboolean connected;
    gint frames_reported;
    gboolean first_frame_reported;

    /* Shared with streaming threads. */
    gint frames;             /* atomic: buffers that reached the video sink */
    GMutex lock;             /* guards the fields below */
    gchar *failure;          /* on-handshake-failed, first one */
} Peer;

struct Call {
    Peer peers[2];
    GMainLoop *loop;
    gint want_frames;
    gboolean path_ready;     /* emit the encoders' path-ready when ICE is ready */
    gint64 start_us, deadline_us;
    gint64 gather_start_us, ice_ready_us;
    gboolean exchanged;
    gboolean media_started;
    gboolean finished;
    gboolean ok;
    gchar *error;
};

static void usage(FILE *f)
{
    fputs("usage: gst_nice_call [--frames N] [--timeout SECONDS] [--path-ready yes|no]\n"
          "  --frames N       frames each peer must decode (default 30)\n"
          "  --timeout S      limit for the whole call, from the start to the last\n"
          "                   frame (default 20)\n"
          "  --path-ready yes|no\n"
          "                   emit the encoders' path-ready action signal when ICE is\n"
          "                   ready, so the ClientHello nicesink dropped goes out at once\n"
          "                   (default yes; no waits for the 400 ms retransmission)\n"
          "Needs the dtls13 plugin on GST_PLUGIN_PATH and Debian's gstreamer1.0-nice,\n"
          "gstreamer1.0-plugins-good and gstreamer1.0-plugins-base.\n",
          f);
}

static gboolean parse_frames(const char *s, gint *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 1 || v > MAX_FRAMES) return FALSE;
    *out = (gint)v;
    return TRUE;
}

static gboolean parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v > 0.0) || v > MAX_TIMEOUT_S) return FALSE;
    *out = v;
    return TRUE;
}

static double elapsed_s(const Call *call)
{
    return (double)(g_get_monotonic_time() - call->start_us) / 1e6;
}

/* Ends the call: ok, or failed with a message naming the stage. */
static void finish(Call *call, gboolean ok, const char *error)
{
    if (call->finished) return;
    call->finished = TRUE;
    call->ok = ok;
    call->error = g_strdup(error);
    g_main_loop_quit(call->loop);
}

static void on_handshake_failed(GstElement *element, guint alert, const gchar *reason, gpointer user)
{
    Peer *peer = user;
    g_mutex_lock(&peer->lock);
    if (peer->failure == NULL)
        peer->failure = g_strdup_printf("alert %u from %s: %s", alert, GST_ELEMENT_NAME(element),
                                        reason ? reason : "no reason given");
    g_mutex_unlock(&peer->lock);
}

static GstPadProbeReturn count_frame(GstPad *pad, GstPadProbeInfo *info, gpointer user)
{
    Peer *peer = user;
    (void)pad;
    (void)info;
    g_atomic_int_inc(&peer->frames);
    return GST_PAD_PROBE_OK;
}

/* ---- ICE (the agents' signals, on the main context) ---- */

/* Signalling: to learns from's ICE credentials and candidates. */
static gboolean exchange(Peer *from, Peer *to)
{
    gchar *ufrag = NULL, *pwd = NULL;
    gboolean ok = nice_agent_get_local_credentials(from->agent, from->stream_id, &ufrag, &pwd) &&
                  nice_agent_set_remote_credentials(to->agent, to->stream_id, ufrag, pwd);
    g_free(ufrag);
    g_free(pwd);
    GSList *candidates = nice_agent_get_local_candidates(from->agent, from->stream_id, COMPONENT_ID);
    int added = ok ? nice_agent_set_remote_candidates(to->agent, to->stream_id, COMPONENT_ID, candidates) : 0;
    printf("[%s] ICE: %d remote candidate%s from %s\n", to->name, added, added == 1 ? "" : "s", from->name);
    g_slist_free_full(candidates, (GDestroyNotify)nice_candidate_free);
    return ok && added > 0;
}

static void on_gathering_done(NiceAgent *agent, guint stream_id, gpointer user)
{
    Peer *peer = user;
    Call *call = peer->call;
    if (stream_id != peer->stream_id || peer->gathered) return;
    GSList *candidates = nice_agent_get_local_candidates(agent, stream_id, COMPONENT_ID);
    peer->candidates = g_slist_length(candidates);
    for (GSList *l = candidates; l != NULL; l = l->next) {
        NiceCandidate *c = l->data;
        char ip[NICE_ADDRESS_STRING_LEN];
        nice_address_to_string(&c->addr, ip);
        printf("[%s] ICE: host candidate %s:%u\n", peer->name, ip, nice_address_get_port(&c->addr));
    }
    g_slist_free_full(candidates, (GDestroyNotify)nice_candidate_free);
    peer->gathered = TRUE;
    printf("[%s] ICE: gathering done, %u candidate%s (%.2f s)\n", peer->name, peer->candidates,
           peer->candidates == 1 ? "" : "s", elapsed_s(call));
    if (peer->candidates == 0) {
        finish(call, FALSE, "ICE gathering found no candidate on " LOCAL_ADDRESS);
        return;
    }
    if (call->peers[0].gathered && call->peers[1].gathered && !call->exchanged) {
        call->exchanged = TRUE;
        if (!exchange(&call->peers[0], &call->peers[1]) || !exchange(&call->peers[1], &call->peers[0])) {
            finish(call, FALSE, "ICE: an agent refused the other's credentials or candidates");
            return;
        }
        printf("ICE: credentials and candidates exchanged, connectivity checks running\n");
    }
}

static void on_selected_pair(NiceAgent *agent, guint stream_id, guint component_id, NiceCandidate *local,
                             NiceCandidate *remote, gpointer user)
{
    Peer *peer = user;
    (void)agent;
    if (stream_id != peer->stream_id || component_id != COMPONENT_ID || !local || !remote) return;
    char lip[NICE_ADDRESS_STRING_LEN], rip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&local->addr, lip);
    nice_address_to_string(&remote->addr, rip);
    printf("[%s] ICE: candidate pair selected %s:%u -> %s:%u\n", peer->name, lip,
           nice_address_get_port(&local->addr), rip, nice_address_get_port(&remote->addr));
}

static void on_component_state(NiceAgent *agent, guint stream_id, guint component_id, guint state, gpointer user)
{
    Peer *peer = user;
    Call *call = peer->call;
    (void)agent;
    if (stream_id != peer->stream_id || component_id != COMPONENT_ID) return;
    peer->ice_state = state;
    printf("[%s] ICE: component %s (%.2f s)\n", peer->name, nice_component_state_to_string((NiceComponentState)state),
           elapsed_s(call));
    if (state == NICE_COMPONENT_STATE_FAILED) {
        gchar *msg = g_strdup_printf("ICE connectivity checks failed on %s", peer->name);
        finish(call, FALSE, msg);
        g_free(msg);
        return;
    }
    if (state != NICE_COMPONENT_STATE_READY || peer->ice_ready) return;
    peer->ice_ready = TRUE;
    /* nicesink dropped what it was given before this: resend the DTLS
     * flight now rather than when its 400 ms timer expires. */
    gboolean resent = FALSE;
    if (call->path_ready && peer->enc != NULL) g_signal_emit_by_name(peer->enc, "path-ready", &resent);
    if (resent) printf("[%s] DTLS: path-ready, handshake flight resent\n", peer->name);
    if (call->peers[0].ice_ready && call->peers[1].ice_ready) {
        call->ice_ready_us = g_get_monotonic_time();
        printf("ICE: connected on both sides, %.0f ms after gathering started (%.2f s)\n",
               (double)(call->ice_ready_us - call->gather_start_us) / 1e3, elapsed_s(call));
    }
}

static gboolean setup_agent(Peer *peer)
{
    NiceAddress address;
    peer->agent = nice_agent_new_full(g_main_context_default(), NICE_COMPATIBILITY_RFC5245,
                                      NICE_AGENT_OPTION_REGULAR_NOMINATION);
    if (peer->agent == NULL) return FALSE;
    g_object_set(peer->agent, "controlling-mode", peer->ice_controlling, "ice-tcp", FALSE, "upnp", FALSE, NULL);
    nice_address_init(&address);
    if (!nice_address_set_from_string(&address, LOCAL_ADDRESS) ||
        !nice_agent_add_local_address(peer->agent, &address))
        return FALSE;
    peer->stream_id = nice_agent_add_stream(peer->agent, 1);
    if (peer->stream_id == 0) return FALSE;
    nice_agent_set_stream_name(peer->agent, peer->stream_id, "video");
    g_signal_connect(peer->agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), peer);
    g_signal_connect(peer->agent, "new-selected-pair-full", G_CALLBACK(on_selected_pair), peer);
    g_signal_connect(peer->agent, "component-state-changed", G_CALLBACK(on_component_state), peer);
    return TRUE;
}

/* ---- pipelines ---- */

static GstElement *child(GstElement *pipeline, const char *name)
{
    return gst_bin_get_by_name(GST_BIN(pipeline), name);
}

static gboolean setup_pipeline(Peer *peer, gchar **error)
{
    gchar *desc = g_strdup_printf(
        "videotestsrc is-live=true pattern=%s ! video/x-raw,width=160,height=120,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=10 ! rtpvp8pay "
        "! dtls13srtpenc name=enc connection-id=%s is-client=%s peer-address-validated=%s pre-key-policy=hold "
        "! nicesink name=net_out sync=false async=false "
        "nicesrc name=net_in ! dtls13srtpdec name=dec connection-id=%s "
        "dec.rtp_src ! " RTP_CAPS " ! rtpvp8depay ! vp8dec ! fakesink name=video sync=false async=false",
        peer->dtls_client ? "ball" : "smpte", peer->name, peer->dtls_client ? "true" : "false",
        peer->dtls_client ? "false" : "true", peer->name);
    GError *err = NULL;
    peer->pipeline = gst_parse_launch(desc, &err);
    g_free(desc);
    if (peer->pipeline == NULL || err != NULL) {
        gboolean missing = err != NULL && g_error_matches(err, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT);
        *error = g_strdup_printf("%s pipeline: %s%s", peer->name, err ? err->message : "cannot be built",
                                 missing ? " (plugin not installed or not on GST_PLUGIN_PATH; see --help)" : "");
        g_clear_error(&err);
        return FALSE;
    }
    gst_pipeline_set_auto_flush_bus(GST_PIPELINE(peer->pipeline), FALSE);
    peer->enc = child(peer->pipeline, "enc");
    peer->nicesrc = child(peer->pipeline, "net_in");
    peer->nicesink = child(peer->pipeline, "net_out");
    peer->videosink = child(peer->pipeline, "video");
    g_object_set(peer->nicesrc, "agent", peer->agent, "stream", peer->stream_id, "component", COMPONENT_ID, NULL);
    g_object_set(peer->nicesink, "agent", peer->agent, "stream", peer->stream_id, "component", COMPONENT_ID, NULL);
    GstPad *pad = gst_element_get_static_pad(peer->videosink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, peer, NULL);
    gst_object_unref(pad);
    g_signal_connect(peer->enc, "on-handshake-failed", G_CALLBACK(on_handshake_failed), peer);
    GstElement *dec = child(peer->pipeline, "dec");
    g_signal_connect(dec, "on-handshake-failed", G_CALLBACK(on_handshake_failed), peer);
    gst_object_unref(dec);
    return TRUE;
}

/* The first error message on peer's bus, for a state change that failed. */
static gchar *pending_bus_error(Peer *peer)
{
    GstBus *bus = gst_element_get_bus(peer->pipeline);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gchar *text = NULL;
    if (msg != NULL) {
        GError *err = NULL;
        gst_message_parse_error(msg, &err, NULL);
        text = g_strdup_printf("%s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)), err ? err->message : "?");
        g_clear_error(&err);
        gst_message_unref(msg);
    }
    gst_object_unref(bus);
    return text;
}

static gboolean set_state(Call *call, Peer *peer, GstState state)
{
    if (gst_element_set_state(peer->pipeline, state) != GST_STATE_CHANGE_FAILURE) return TRUE;
    gchar *why = pending_bus_error(peer);
    gchar *msg = g_strdup_printf("%s pipeline did not reach %s (%s)", peer->name, gst_element_state_get_name(state),
                                 why ? why : "no error message");
    finish(call, FALSE, msg);
    g_free(msg);
    g_free(why);
    return FALSE;
}

static gchar *local_fingerprint(Peer *peer)
{
    gchar *fp = NULL;
    g_object_get(peer->enc, "local-fingerprint", &fp, NULL);
    return fp;
}

/* Both pipelines go to READY, where each encoder has made its
 * certificate; each side pins the other's fingerprint, as the SDP
 * offer/answer would carry them, and both go to PLAYING. They must play
 * before ICE can connect: nicesrc attaches its own GMainContext to the
 * agent's socket, and only its streaming thread (in PLAYING) reads it, STUN
 * checks included. Until a candidate pair is selected nicesink drops what
 * it sends; on_component_state resends it through path-ready. */
static gboolean start_media(Call *call)
{
    Peer *client = &call->peers[0], *server = &call->peers[1];
    call->media_started = TRUE;
    if (!set_state(call, server, GST_STATE_READY) || !set_state(call, client, GST_STATE_READY)) return FALSE;
    gchar *server_fp = local_fingerprint(server);
    gchar *client_fp = local_fingerprint(client);
    if (server_fp == NULL || client_fp == NULL) {
        finish(call, FALSE, "a dtls13srtpenc has no local-fingerprint in READY");
        g_free(server_fp);
        g_free(client_fp);
        return FALSE;
    }
    g_object_set(client->enc, "peer-fingerprint", server_fp, NULL);
    g_object_set(server->enc, "peer-fingerprint", client_fp, NULL);
    printf("[%s] DTLS server, certificate %s\n", server->name, server_fp);
    printf("[%s] DTLS client, certificate %s\n", client->name, client_fp);
    printf("[%s] and [%s] pin each other's fingerprint (peer-fingerprint)\n", client->name, server->name);
    g_free(server_fp);
    g_free(client_fp);
    if (!set_state(call, server, GST_STATE_PLAYING) || !set_state(call, client, GST_STATE_PLAYING)) return FALSE;
    printf("pipelines playing, DTLS handshake started (%.2f s)\n", elapsed_s(call));
    return TRUE;
}

static gboolean on_bus_message(GstBus *bus, GstMessage *msg, gpointer user)
{
    Peer *peer = user;
    (void)bus;
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        GError *err = NULL;
        gchar *debug = NULL;
        gst_message_parse_error(msg, &err, &debug);
        gchar *text = g_strdup_printf("%s pipeline error from %s: %s%s%s", peer->name,
                                      GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)), err ? err->message : "?",
                                      debug ? " - " : "", debug ? debug : "");
        finish(peer->call, FALSE, text);
        g_free(text);
        g_free(debug);
        g_clear_error(&err);
    }
    return G_SOURCE_CONTINUE;
}

/* ---- progress and the end of the call ---- */

static const char *enum_nick(GObject *object, const char *property, gint value)
{
    GParamSpec *spec = g_object_class_find_property(G_OBJECT_GET_CLASS(object), property);
    if (spec == NULL || !G_IS_PARAM_SPEC_ENUM(spec)) return "?";
    GEnumValue *v = g_enum_get_value(G_PARAM_SPEC_ENUM(spec)->enum_class, value);
    return v ? v->value_nick : "?";
}

static const char *connection_state(Peer *peer)
{
    gint state = 0;
    g_object_get(peer->enc, "connection-state", &state, NULL);
    return enum_nick(G_OBJECT(peer->enc), "connection-state", state);
}

/* One counter of the encoder's `stats` structure (0 when absent). */
static unsigned long long stat_counter(Peer *peer, const char *field)
{
    GstStructure *stats = NULL;
    guint64 value = 0;
    g_object_get(peer->enc, "stats", &stats, NULL);
    if (stats != NULL) {
        gst_structure_get_uint64(stats, field, &value);
        gst_structure_free(stats);
    }
    return (unsigned long long)value;
}

static void report_connection(Call *call, Peer *peer)
{
    if (peer->connected || !g_str_equal(connection_state(peer), "connected")) return;
    peer->connected = TRUE;
    gchar *version = NULL, *cipher = NULL, *profile = NULL;
    g_object_get(peer->enc, "negotiated-version", &version, "cipher-suite", &cipher, "srtp-profile", &profile, NULL);
    printf("[%s] DTLS connected: %s, %s, SRTP %s, peer certificate matches its pinned fingerprint, "
           "handshake %llu ms, %llu retransmission(s) (%.2f s)\n",
           peer->name, version ? version : "?", cipher ? cipher : "?", profile ? profile : "?",
           stat_counter(peer, "handshake-ms"), stat_counter(peer, "retransmissions"), elapsed_s(call));
    g_free(version);
    g_free(cipher);
    g_free(profile);
}

static void report_peer(Call *call, Peer *peer)
{
    g_mutex_lock(&peer->lock);
    gchar *failure = g_strdup(peer->failure);
    g_mutex_unlock(&peer->lock);
    if (failure != NULL) {
        gchar *msg = g_strdup_printf("DTLS handshake failed on %s (%s)", peer->name, failure);
        finish(call, FALSE, msg);
        g_free(msg);
        g_free(failure);
        return;
    }
    report_connection(call, peer);
    gint frames = g_atomic_int_get(&peer->frames);
    if (frames > 0 && !peer->first_frame_reported) {
        peer->first_frame_reported = TRUE;
        printf("[%s] media: first frame decoded (%.2f s)\n", peer->name, elapsed_s(call));
    }
    if (frames / FRAMES_REPORT_STEP > peer->frames_reported / FRAMES_REPORT_STEP) {
        printf("[%s] media: %d frames decoded\n", peer->name, frames);
        peer->frames_reported = frames;
    }
}

static const char *ice_state_name(const Peer *peer)
{
    return nice_component_state_to_string((NiceComponentState)peer->ice_state);
}

/* Which stage had not finished when the timeout struck. */
static gchar *unfinished_stage(Call *call)
{
    Peer *a = &call->peers[0], *b = &call->peers[1];
    if (!call->media_started) return g_strdup("the pipelines did not start");
    if (!a->gathered || !b->gathered)
        return g_strdup_printf("ICE gathering did not finish (%s %s, %s %s)", a->name,
                               a->gathered ? "done" : "not done", b->name, b->gathered ? "done" : "not done");
    if (!a->ice_ready || !b->ice_ready)
        return g_strdup_printf("ICE connectivity checks did not finish (%s %s, %s %s)", a->name, ice_state_name(a),
                               b->name, ice_state_name(b));
    if (!a->connected || !b->connected)
        return g_strdup_printf("DTLS handshake did not finish (%s %s, %s %s)", a->name, connection_state(a), b->name,
                               connection_state(b));
    return g_strdup_printf("media did not finish: %s decoded %d of %d frames, %s %d of %d", a->name,
                           g_atomic_int_get(&a->frames), call->want_frames, b->name, g_atomic_int_get(&b->frames),
                           call->want_frames);
}

static gboolean on_tick(gpointer user)
{
    Call *call = user;
    if (call->finished) return G_SOURCE_REMOVE;
    if (call->media_started) {
        for (int i = 0; i < 2 && !call->finished; i++) report_peer(call, &call->peers[i]);
        if (call->finished) return G_SOURCE_REMOVE;
        if (call->peers[0].connected && call->peers[1].connected &&
            g_atomic_int_get(&call->peers[0].frames) >= call->want_frames &&
            g_atomic_int_get(&call->peers[1].frames) >= call->want_frames) {
            finish(call, TRUE, NULL);
            return G_SOURCE_REMOVE;
        }
    }
    if (g_get_monotonic_time() >= call->deadline_us) {
        gchar *stage = unfinished_stage(call);
        gchar *msg = g_strdup_printf("timeout after %.1f s: %s", elapsed_s(call), stage);
        finish(call, FALSE, msg);
        g_free(msg);
        g_free(stage);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void print_summary(Call *call)
{
    Peer *a = &call->peers[0], *b = &call->peers[1];
    if (!call->ok) {
        printf("gst_nice_call: FAILED: %s\n", call->error ? call->error : "unknown error");
        return;
    }
    printf("gst_nice_call: OK: DTLS 1.3 + SRTP over ICE on " LOCAL_ADDRESS ", %s decoded %d frames, %s %d "
           "(wanted %d); ICE %.0f ms, DTLS handshake %llu/%llu ms, %llu SRTP auth failures, %.2f s in all\n",
           a->name, g_atomic_int_get(&a->frames), b->name, g_atomic_int_get(&b->frames), call->want_frames,
           (double)(call->ice_ready_us - call->gather_start_us) / 1e3, stat_counter(a, "handshake-ms"),
           stat_counter(b, "handshake-ms"),
           stat_counter(a, "srtp-auth-failures") + stat_counter(b, "srtp-auth-failures"), elapsed_s(call));
}

/* ---- set-up and tear-down ---- */

static void init_peer(Call *call, Peer *peer, const char *name, gboolean dtls_client)
{
    memset(peer, 0, sizeof *peer);
    peer->call = call;
    peer->name = name;
    peer->dtls_client = dtls_client;
    peer->ice_controlling = dtls_client;
    g_mutex_init(&peer->lock);
}

static void clear_peer(Peer *peer)
{
    if (peer->pipeline != NULL) {
        GstBus *bus = gst_element_get_bus(peer->pipeline);
        gst_bus_remove_watch(bus);
        gst_object_unref(bus);
    }
    g_clear_object(&peer->enc);
    g_clear_object(&peer->nicesrc);
    g_clear_object(&peer->nicesink);
    g_clear_object(&peer->videosink);
    g_clear_object(&peer->pipeline);
    if (peer->agent != NULL) g_signal_handlers_disconnect_by_data(peer->agent, peer);
    g_clear_object(&peer->agent);
    g_free(peer->failure);
    g_mutex_clear(&peer->lock);
}

static gboolean setup_peer(Peer *peer, gchar **error)
{
    if (!setup_agent(peer)) {
        *error = g_strdup_printf("%s: cannot create the NiceAgent on " LOCAL_ADDRESS, peer->name);
        return FALSE;
    }
    if (!setup_pipeline(peer, error)) return FALSE;
    GstBus *bus = gst_element_get_bus(peer->pipeline);
    gst_bus_add_watch(bus, on_bus_message, peer);
    gst_object_unref(bus);
    return TRUE;
}

static int run(Call *call, double timeout_s)
{
    gchar *error = NULL;
    Peer *a = &call->peers[0], *b = &call->peers[1];
    call->loop = g_main_loop_new(NULL, FALSE);
    call->start_us = g_get_monotonic_time();
    call->deadline_us = call->start_us + (gint64)(timeout_s * 1e6);
    printf("gst_nice_call: %s (DTLS client) and %s (DTLS server), VP8 both ways, %d frames each within %.1f s\n",
           a->name, b->name, call->want_frames, timeout_s);
    if (!setup_peer(a, &error) || !setup_peer(b, &error)) {
        finish(call, FALSE, error);
    } else if (start_media(call)) {
        printf("ICE: gathering host candidates on " LOCAL_ADDRESS " (%s controlling, %s controlled)\n", a->name,
               b->name);
        call->gather_start_us = g_get_monotonic_time();
        if (!nice_agent_gather_candidates(a->agent, a->stream_id) ||
            !nice_agent_gather_candidates(b->agent, b->stream_id))
            finish(call, FALSE, "ICE gathering could not start");
    }
    g_free(error);
    if (!call->finished) {
        g_timeout_add(TICK_MS, on_tick, call);
        g_main_loop_run(call->loop);
    }
    print_summary(call);
    /* Both pipelines stop before either peer's objects are freed. */
    if (a->pipeline) gst_element_set_state(a->pipeline, GST_STATE_NULL);
    if (b->pipeline) gst_element_set_state(b->pipeline, GST_STATE_NULL);
    /* Sources still queued (a tick, start_media) refer to call. */
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    return call->ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    gint frames = DEFAULT_FRAMES;
    double timeout_s = DEFAULT_TIMEOUT_S;
    gboolean path_ready = TRUE;
    /* Every option takes a value: i steps over both at the loop's end. */
    for (int i = 1; i < argc; i += 2) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        gboolean ok;
        if (g_str_equal(arg, "--help") || g_str_equal(arg, "-h")) {
            usage(stdout);
            return 0;
        } else if (g_str_equal(arg, "--frames")) {
            ok = value != NULL && parse_frames(value, &frames);
        } else if (g_str_equal(arg, "--timeout")) {
            ok = value != NULL && parse_seconds(value, &timeout_s);
        } else if (g_str_equal(arg, "--path-ready")) {
            ok = value != NULL && (g_str_equal(value, "yes") || g_str_equal(value, "no"));
            path_ready = ok && g_str_equal(value, "yes");
        } else {
            fprintf(stderr, "gst_nice_call: unknown option %s\n", arg);
            usage(stderr);
            return 2;
        }
        if (!ok) {
            fprintf(stderr, "gst_nice_call: %s needs %s, got %s\n", arg,
                    g_str_equal(arg, "--frames")       ? "a whole number from 1 to 100000"
                    : g_str_equal(arg, "--path-ready") ? "yes or no"
                                                       : "a number of seconds above 0, at most 3600",
                    value ? value : "nothing");
            usage(stderr);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    gst_init(NULL, NULL);

    Call call;
    memset(&call, 0, sizeof call);
    call.want_frames = frames;
    call.path_ready = path_ready;
    init_peer(&call, &call.peers[0], "alice", TRUE);
    init_peer(&call, &call.peers[1], "bob", FALSE);
    int status = run(&call, timeout_s);
    clear_peer(&call.peers[0]);
    clear_peer(&call.peers[1]);
    g_main_loop_unref(call.loop);
    g_free(call.error);
    gst_deinit();
    return status;
}
