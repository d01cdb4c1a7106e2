/* test_webrtcbin_compat's helpers: the signalling between two webrtcbin
 * peers (in this process, or one line a message to another process), the
 * frame counter on the decoded video, the data channel, and what webrtcbin
 * made (its DTLS elements, their version, the received certificate). */
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
/** One webrtcbin peer of the test. */
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
};

/** webrtcbin's on-negotiation-needed (user_data: the Peer): the offerer
 *  creates its offer and sends it. */
void on_negotiation_needed (GstElement * webrtc, gpointer user_data);

/** webrtcbin's on-ice-candidate: sends the candidate to the remote peer. */
void on_ice_candidate (GstElement * webrtc, guint mline, const gchar * candidate,
    gpointer user_data);

/** Main loop: applies a message of the remote peer (kind "offer",
 *  "answer" or "ice"; text the SDP or candidate). */
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
