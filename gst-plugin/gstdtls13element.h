/* The element code both plugins' SRTP elements share (dtls13srtpenc /
 * dtls13srtpdec here, dtlssrtpenc / dtlssrtpdec in gst-plugin-compat/):
 * the encoder's src pad task, request sink pads and state changes, the
 * decoder's demultiplexing sink pad, its outputs and state changes.
 *
 * Each element embeds one GstDtls13Encoder or GstDtls13Decoder in its
 * instance struct, calls the _init function from its instance init and the
 * _class_init function from its class init, and keeps its own properties,
 * signals, pad templates and metadata. The element's type must derive
 * directly from GstElement (the shared change_state chains up to the
 * parent class of the element's class). Pads made here carry the embedded
 * struct as their element_private; the element finds it again through
 * qdata, so an element holds at most one of them. */
#ifndef GST_DTLS13_ELEMENT_H
#define GST_DTLS13_ELEMENT_H

#include <gst/gst.h>

#include "dtls13/demux.h"
#include "gstdtls13association.h"

G_BEGIN_DECLS

/** An element hook at a state change, with the association it uses;
 *  FALSE (after posting an element error) fails the state change. */
typedef gboolean (*GstDtls13ElementHook) (GstElement * element, GstDtls13Association * assoc);

/** An encoder's settings for the handshake, read at READY->PAUSED: fills
 *  every field of settings; its pem, peer_fingerprint and srtp_profiles
 *  are newly allocated (or NULL) and freed once the association started. */
typedef void (*GstDtls13SettingsHook) (GstElement * element, GstDtls13Settings * settings);

/** The shared part of an encoder. Request sink pads are told apart by
 *  their template's name_template (checked for every buffer): "rtp_sink_..." carries RTP,
 *  "rtcp_sink_..." RTCP, any other (data_sink) DTLS application data; a
 *  pad requested without a name is named rtp_sink_<n> / rtcp_sink_<n>
 *  (counting from 0) or data_sink. */
typedef struct {
  GstElement *element;          /* the element it is part of (no reference) */
  GstPad *srcpad;               /* every datagram for the network */
  GMutex push_lock;             /* serializes pushes on srcpad */
  gboolean stream_pending;      /* under push_lock: stream-start, segment, gap not pushed yet */
  const gchar *stream_prefix;   /* the src stream-id is "<prefix>/<connection-id>" */
  const gchar *protocol;        /* in the start error: "cannot start the <protocol> association" */
  /* Set by the element's instance init, read only afterwards: */
  gboolean rtcp_by_packet_type; /* RTP and RTCP may come on either sink pad */
  GstDtls13ElementHook prepare; /* NULL->READY after joining, or NULL */
  GstDtls13SettingsHook settings;       /* READY->PAUSED */

  /* under the object lock */
  gchar *connection_id;
  guint next_rtp_pad, next_rtcp_pad;
  GstDtls13Association *assoc;  /* from READY to NULL; written in change_state */
} GstDtls13Encoder;

/** Instance init: makes the always src pad from src_template (its task
 *  pushes what the association queues) and adds it to element. The
 *  stream_prefix and protocol strings must outlive the element (literals). */
void gst_dtls13_encoder_init (GstDtls13Encoder * enc, GstElement * element,
    GstStaticPadTemplate * src_template, const gchar * stream_prefix, const gchar * protocol);

/** Class init: installs the shared change_state, request_new_pad and
 *  release_pad. */
void gst_dtls13_encoder_class_init (GstElementClass * klass);

/** Finalize: frees what enc holds. */
void gst_dtls13_encoder_finalize (GstDtls13Encoder * enc);

/** The shared part of a decoder: an always sink pad from the network,
 *  demultiplexed by the first byte (RFC 7983); DTLS goes to the
 *  association, SRTP/SRTCP is decrypted to rtp_src / rtcp_src, DTLS
 *  application data goes to data_src. */
typedef struct {
  GstElement *element;          /* the element it is part of (no reference) */
  GstPad *sinkpad, *rtp_src, *rtcp_src;
  dtls13_demux_counters demux;  /* streaming thread only */
  gboolean stock_caps;          /* push the src templates' caps (stock srtpdec) */
  gboolean caps_pushed;         /* streaming thread only */
  /* Set by the element's instance init, read only afterwards: */
  gboolean data_flow_apart;     /* data_src's FLUSHING/EOS does not stop the sink */
  void (*joined) (GstElement * element);        /* NULL->READY after joining, or NULL */
  void (*after_datagram) (GstElement * element);        /* after each DTLS datagram, or NULL */

  /* under the object lock */
  GstPad *data_src;             /* a reference, or NULL while none is requested */
  gchar *connection_id;
  GstDtls13Association *assoc;  /* attached as decoder, from READY to NULL */
} GstDtls13Decoder;

/** Instance init: makes and adds the sink, rtp_src and rtcp_src pads and,
 *  when data_template is not NULL, the always data_src pad (else the
 *  element makes a requested one and sets dec->data_src). With stock_caps
 *  the src pads use fixed caps and get their templates' caps before the
 *  first segment of each stream. */
void gst_dtls13_decoder_init (GstDtls13Decoder * dec, GstElement * element,
    GstStaticPadTemplate * sink_template, GstStaticPadTemplate * rtp_template,
    GstStaticPadTemplate * rtcp_template, GstStaticPadTemplate * data_template,
    gboolean stock_caps);

/** Class init: installs the shared change_state. */
void gst_dtls13_decoder_class_init (GstElementClass * klass);

/** Finalize: frees what dec holds. */
void gst_dtls13_decoder_finalize (GstDtls13Decoder * dec);

/** Stores a string property's value in *slot (freeing the old one) under
 *  element's object lock: e.g. connection-id. */
void gst_dtls13_element_set_string (GstElement * element, gchar ** slot, const GValue * value);

/** Reads *slot into value under element's object lock. */
void gst_dtls13_element_get_string (GstElement * element, gchar ** slot, GValue * value);

/** For an element entering READY: gst_dtls13_association_join() with the
 *  id in *connection_id, the association stored in *slot; both are read
 *  and written under element's object lock. FALSE (an element error
 *  posted, *slot untouched) when it cannot join. */
gboolean gst_dtls13_element_join (GstElement * element, gchar ** connection_id,
    gboolean is_encoder, GstDtls13Association ** slot);

/** Stores assoc in *slot under element's object lock and returns what
 *  was there (the caller's reference now). */
GstDtls13Association *gst_dtls13_element_swap_association (GstElement * element,
    GstDtls13Association ** slot, GstDtls13Association * assoc);

G_END_DECLS
#endif
