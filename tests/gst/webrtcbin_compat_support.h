/* The webrtcbin peers' helpers, for test_webrtcbin_compat and
 * tests/browser/webrtcbin_peer.c: the signalling of a peer (to another
 * peer in this process, one line a message to another process, or through
 * the peer's own send hook), the frame counter on the decoded video, the
 * data channel, and what webrtcbin made (its DTLS elements, their
 * version, the received certificate). */
#ifndef WEBRTCBIN_COMPAT_SUPPORT_H
#define WEBRTCBIN_COMPAT_SUPPORT_H

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <stdio.h>

/* Data channel messages each side sends (and must receive). */
#define WANT_MESSAGES 3

/* GstWebRTCSessionDescription as gst/webrtc/rtcsessiondescription.h
 * declares it (a public struct): the build does not need gst-plugins-bad's
 * development package, and the boxed type's copy function makes a real
 * one from this. */
typedef struct {
  gint type;
  GstSDPMessage *sdp;
} SessionDescription;
#define SDP_TYPE_OFFER 1
#define SDP_TYPE_ANSWER 3

typedef struct Peer Peer;

/** How a peer's signalling messages leave (kind "offer", "answer" or
 *  "ice"; text the SDP or candidate). */
typedef void (*PeerSend) (Peer * from, const gchar * kind, guint mline, const gchar * text);

/** Told about a signalling or media setup error of the peer. */
typedef void (*PeerFail) (Peer * peer, const gchar * message);

/** One webrtcbin peer. */
struct Peer {
  const gchar *name;
  gboolean offerer;
  GstElement *pipeline, *webrtc;
  Peer *remote;                 /* in-process peer, or NULL */
  FILE *proto_out;              /* to the other process, or NULL */
  gint frames;                  /* atomic */
  gint messages;                /* atomic: data channel messages received */
  gint sent;                    /* main thread */
  GObject *channel;             /* main thread */
  gchar *remote_sdp;            /* main thread */
  gchar *error;                 /* main thread */
  PeerSend send;                /* when set, instead of remote / proto_out */
  PeerFail fail;                /* when set, instead of printing (or error) */
};

/** webrtcbin's on-negotiation-needed (user_data: the Peer): the offerer
 *  creates its offer and sends it. */
void on_negotiation_needed (GstElement * webrtc, gpointer user_data);

/** webrtcbin's on-ice-candidate: sends the candidate to the remote peer. */
void on_ice_candidate (GstElement * webrtc, guint mline, const gchar * candidate,
    gpointer user_data);

/** Main loop: applies a message of the remote peer (kind "offer",
 *  "answer" or "ice"; text the SDP or candidate; a NULL SDP is
 *  unparsable). */
void handle_message (Peer * peer, const gchar * kind, guint mline, const gchar * text);

/** webrtcbin's pad-added: decodes the video and counts its frames in
 *  peer->frames. */
void on_pad_added (GstElement * webrtc, GstPad * pad, gpointer user_data);

/** A data channel's on-message-string: counts peer->messages. */
void on_message_string (GObject * channel, const gchar * text, gpointer user_data);

/** webrtcbin's on-data-channel: the answerer's channel, kept (on the main
 *  loop) in peer->channel. */
void on_data_channel (GstElement * webrtc, GObject * channel, gpointer user_data);

/** Main thread, every 100 ms: one more message once the channel is open,
 *  WANT_MESSAGES in all. */
void send_data (Peer * peer);

/** What read_signal_line() found. */
typedef enum {
  LINE_READ,                    /* *line holds one line (free it) */
  LINE_NONE_YET,                /* nothing complete to read yet */
  LINE_END,                     /* end of input, or a read error */
} LineResult;

/** For a GIOChannel watch on a line protocol: reads one line into *line. */
LineResult read_signal_line (GIOChannel * channel, gchar ** line);

/** TRUE when every factory of the NULL-terminated names is installed;
 *  else prints "SKIP: no <name> element installed" and returns FALSE. */
gboolean require_factories (const gchar * const *names);

/** "sha-256 AB:CD:..." (as an SDP writes it) of the first certificate in
 *  pem (newly allocated), or NULL when there is none. */
gchar *pem_fingerprint (const gchar * pem);

/** The first element made by factory name inside bin, recursively (a
 *  reference), or NULL. */
GstElement *find_by_factory (GstElement * bin, const gchar * factory_name);

/** The GType name of the dtlssrtpenc webrtcbin made (newly allocated),
 *  "none" before it exists. */
gchar *enc_type_name (Peer * peer);

/** Our elements' dtls-version (newly allocated); NULL for stock elements
 *  or before the handshake. */
gchar *dtls_version (Peer * peer);

/** 1: the peer certificate dtlssrtpdec received hashes to the remote
 *  SDP's a=fingerprint; 0: not known yet; -1: it does not. */
gint fingerprint_check (Peer * peer);

#endif
