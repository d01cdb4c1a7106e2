/* The encoder code both plugins' SRTP encoders share, and the helpers
 * both kinds of element use. See gstdtls13element.h. */
#include "gstdtls13element.h"
#include "gstdtls13pem.h"

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_debug);
#define GST_CAT_DEFAULT gst_dtls13_debug

/* The qdata key under which an element keeps its GstDtls13Encoder. */
static GQuark
encoder_quark (void)
{
  return g_quark_from_static_string ("gst-dtls13-encoder");
}

/* The GstDtls13Encoder embedded in element. */
static GstDtls13Encoder *
encoder_of (GstElement * element)
{
  return g_object_get_qdata (G_OBJECT (element), encoder_quark ());
}

/* The src stream's stream-start and segment, and a gap event, before the
 * first datagram of each activation (under push_lock, from the src task or
 * the first media push). The gap lets an async sink (udpsink's default)
 * preroll before the engine has anything to send: a DTLS server sends
 * nothing until the peer's ClientHello arrives, and without it its sink
 * would only preroll on the first flight, after the pipeline went to
 * PLAYING, and then wait in PAUSED for a PLAYING that its bin already
 * completed: the flight never left. The push blocks in the sink's preroll
 * until PLAYING, which only holds back datagrams that could not be sent in
 * PAUSED anyway. */
static void
push_stream_start_locked (GstDtls13Encoder * enc)
{
  gchar *stream_id;
  GstSegment segment;

  if (!enc->stream_pending)
    return;
  enc->stream_pending = FALSE;
  stream_id = g_strdup_printf ("%s/%s", enc->stream_prefix,
      enc->assoc ? gst_dtls13_association_id (enc->assoc) : "none");
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (enc->srcpad, gst_event_new_stream_start (stream_id));
  gst_pad_push_event (enc->srcpad, gst_event_new_segment (&segment));
  gst_pad_push_event (enc->srcpad, gst_event_new_gap (0, GST_CLOCK_TIME_NONE));
  g_free (stream_id);
}

/* Pushes buf on the src pad; datagrams are fire-and-forget, so an
 * unlinked src is not an error. */
static GstFlowReturn
push (GstDtls13Encoder * enc, GstBuffer * buf)
{
  GstFlowReturn ret;

  g_mutex_lock (&enc->push_lock);
  push_stream_start_locked (enc);
  ret = gst_pad_push (enc->srcpad, buf);
  g_mutex_unlock (&enc->push_lock);
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

/* The src pad task: pushes what the engine sends (handshake flights,
 * retransmissions, ACKs, application data, held media once keyed), so
 * that neither the timer nor a streaming thread ever blocks on
 * downstream. */
static void
src_loop (gpointer user_data)
{
  GstDtls13Encoder *enc = user_data;
  GstBuffer *buf;
  GstFlowReturn ret;

  /* The stream's first events before waiting on the queue: pop blocks
   * until a datagram is queued, and a server has none before the
   * ClientHello, which its sink must preroll to let out. */
  g_mutex_lock (&enc->push_lock);
  push_stream_start_locked (enc);
  g_mutex_unlock (&enc->push_lock);
  buf = enc->assoc ? gst_dtls13_association_pop_datagram (enc->assoc) : NULL;
  if (buf == NULL) {
    gst_pad_pause_task (enc->srcpad);
    return;
  }
  ret = push (enc, buf);
  if (ret != GST_FLOW_OK)
    GST_DEBUG_OBJECT (enc->element, "datagram push: %s", gst_flow_get_name (ret));
  if (ret == GST_FLOW_FLUSHING)
    gst_pad_pause_task (enc->srcpad);
}

/* The src pad's activation: starts the task (the association's queue
 * taking datagrams again), or flushes the queue and stops it. */
static gboolean
src_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode, gboolean active)
{
  GstDtls13Encoder *enc = gst_pad_get_element_private (pad);

  (void) parent;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active) {
    if (enc->assoc)
      gst_dtls13_association_set_flushing (enc->assoc, FALSE);
    g_mutex_lock (&enc->push_lock);
    enc->stream_pending = TRUE;
    g_mutex_unlock (&enc->push_lock);
    return gst_pad_start_task (pad, src_loop, enc, NULL);
  }
  if (enc->assoc)
    gst_dtls13_association_set_flushing (enc->assoc, TRUE);
  return gst_pad_stop_task (pad);
}

/* What a sink pad made from templ carries, by the template's name prefix. */
static GstDtls13MediaKind
template_kind (const GstPadTemplate * templ)
{
  if (g_str_has_prefix (templ->name_template, "rtp_sink_"))
    return GST_DTLS13_MEDIA_RTP;
  if (g_str_has_prefix (templ->name_template, "rtcp_sink_"))
    return GST_DTLS13_MEDIA_RTCP;
  return GST_DTLS13_MEDIA_DATA;
}

/* With rtcp_by_packet_type, RTP and RTCP may come on either pad (the
 * stock templates allow both): RTCP packet types are 192..223 (RFC 5761
 * 4). */
static GstDtls13MediaKind
classify (const GstDtls13Encoder * enc, GstDtls13MediaKind kind, GstBuffer * buf)
{
  guint8 head[2] = { 0, 0 };

  if (!enc->rtcp_by_packet_type || kind == GST_DTLS13_MEDIA_DATA)
    return kind;
  if (gst_buffer_extract (buf, 0, head, sizeof head) == sizeof head)
    return head[1] >= 192 && head[1] <= 223 ? GST_DTLS13_MEDIA_RTCP : GST_DTLS13_MEDIA_RTP;
  return kind;
}

/* The sink pads' chain function: protects buf (of the kind its pad
 * carries) and pushes the result; media held or dropped before the keys
 * exist is not an error. */
static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13Encoder *enc = gst_pad_get_element_private (pad);
  GstDtls13MediaKind kind = template_kind (GST_PAD_PAD_TEMPLATE (pad));
  GstBuffer *out = NULL;
  GstDtls13ProtectResult result = GST_DTLS13_PROTECT_DROPPED;

  (void) parent;
  /* assoc only changes in NULL<->READY, when no buffer flows */
  if (enc->assoc)
    result = gst_dtls13_association_protect (enc->assoc, classify (enc, kind, buf), buf, &out);
  gst_buffer_unref (buf);
  if (result == GST_DTLS13_PROTECT_OK)
    return push (enc, out);
  if (result == GST_DTLS13_PROTECT_DROPPED)
    GST_LOG_OBJECT (pad, "buffer dropped (no keys yet, or protection failed)");
  return GST_FLOW_OK;
}

/* Sink pad events: the src pad carries one datagram stream with its own
 * stream-start and segment, so per-input stream events and EOS stop here. */
static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_EOS:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

/* The name of a requested RTP or RTCP sink pad: name itself when given
 * ("rtp_sink_5"), with *next moved past its number so that a later
 * request without a name cannot pick the same one; else prefix and *next,
 * which then counts on. Called under the object lock. */
static gchar *
sink_pad_name (const gchar * prefix, const gchar * name, guint * next)
{
  if (name != NULL) {
    const gchar *digits = g_str_has_prefix (name, prefix) ? name + strlen (prefix) : NULL;
    guint64 n = 0;

    if (digits != NULL && g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT - 1, &n, NULL)
        && n >= *next)
      *next = (guint) n + 1;
    return g_strdup (name);
  }
  return g_strdup_printf ("%s%u", prefix, (*next)++);
}

/* request_new_pad: an RTP, RTCP or data sink pad, by the template's name
 * prefix (see GstDtls13Encoder). */
static GstPad *
request_new_pad (GstElement * element, GstPadTemplate * templ, const gchar * name,
    const GstCaps * caps)
{
  GstDtls13Encoder *enc = encoder_of (element);
  GstDtls13MediaKind kind = template_kind (templ);
  gchar *pad_name;
  GstPad *pad;

  (void) caps;
  GST_OBJECT_LOCK (element);
  if (kind == GST_DTLS13_MEDIA_RTP)
    pad_name = sink_pad_name ("rtp_sink_", name, &enc->next_rtp_pad);
  else if (kind == GST_DTLS13_MEDIA_RTCP)
    pad_name = sink_pad_name ("rtcp_sink_", name, &enc->next_rtcp_pad);
  else
    pad_name = g_strdup ("data_sink");
  GST_OBJECT_UNLOCK (element);

  pad = gst_pad_new_from_template (templ, pad_name);
  g_free (pad_name);
  gst_pad_set_element_private (pad, enc);
  gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (sink_chain));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (sink_event));
  GST_PAD_SET_PROXY_ALLOCATION (pad);
  if (GST_STATE (element) > GST_STATE_READY)
    gst_pad_set_active (pad, TRUE);
  if (!gst_element_add_pad (element, pad)) {
    gst_object_unref (pad);
    return NULL;
  }
  return pad;
}

/* release_pad: deactivates and removes a requested sink pad. */
static void
release_pad (GstElement * element, GstPad * pad)
{
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

/* Detaches the encoder from assoc and drops its reference. */
static void
leave (GstDtls13Association * assoc)
{
  gst_dtls13_association_set_encoder (assoc, NULL);
  gst_dtls13_association_release (assoc);
}

/* NULL->READY: joins the association of connection-id as its encoder and
 * runs the prepare hook. */
static gboolean
join (GstDtls13Encoder * enc)
{
  if (!gst_dtls13_element_join (enc->element, &enc->connection_id, TRUE, &enc->assoc))
    return FALSE;
  if (enc->prepare == NULL || enc->prepare (enc->element, enc->assoc))
    return TRUE;
  leave (gst_dtls13_element_swap_association (enc->element, &enc->assoc, NULL));
  return FALSE;
}

/* READY->PAUSED after the parent's: the handshake with the settings
 * hook's settings (the src task pushes the stream's first events); a bad
 * setting is an element error naming it. */
static gboolean
start (GstDtls13Encoder * enc)
{
  const gchar *id = gst_dtls13_association_id (enc->assoc);
  GstDtls13Settings s;
  GError *error = NULL;
  gboolean ok;

  enc->settings (enc->element, &s);
  ok = gst_dtls13_association_start (enc->assoc, &s, &error);
  if (!ok) {
    /* The message names the setting (e.g. "min-version dtls1.2: ..."). */
    gchar *text = error ? g_strdup (error->message) : g_strdup_printf ("Cannot start %s",
        enc->protocol);
    GST_ELEMENT_ERROR (enc->element, LIBRARY, SETTINGS, ("%s", text),
        ("cannot start the %s association '%s'", enc->protocol, id));
    g_free (text);
    g_clear_error (&error);
  }
  gst_dtls13_pem_free ((gchar *) s.pem);
  g_free ((gchar *) s.peer_fingerprint);
  g_free ((gchar *) s.srtp_profiles);
  return ok;
}

/* How long READY->PAUSED waits for the sink downstream to preroll on the
 * src task's gap event. */
#define PREROLL_WAIT (1 * GST_SECOND)
/* How many elements downstream the wait looks through for that sink. */
#define PREROLL_WAIT_MAX_HOPS 8

/* The sink (or bin holding sinks) our src pad's datagrams reach, through
 * ghost pads and single-output elements (queue, funnel, capsfilter), with
 * a reference; NULL when there is none or the path branches. */
static GstElement *
downstream_sink (GstDtls13Encoder * enc)
{
  GstPad *pad = gst_pad_get_peer (enc->srcpad);
  guint hop;

  for (hop = 0; pad != NULL && hop < PREROLL_WAIT_MAX_HOPS; hop++) {
    GstElement *element;
    GstPad *next = NULL;

    element = gst_pad_get_parent_element (pad);
    if (element == NULL) {
      /* The internal pad of a ghost src pad: go on at the ghost's peer. */
      GstProxyPad *ghost = GST_IS_PROXY_PAD (pad) ?
          gst_proxy_pad_get_internal (GST_PROXY_PAD (pad)) : NULL;
      gst_object_unref (pad);
      pad = ghost ? gst_pad_get_peer (GST_PAD (ghost)) : NULL;
      if (ghost)
        gst_object_unref (ghost);
      continue;
    }
    gst_object_unref (pad);
    if (GST_OBJECT_FLAG_IS_SET (element, GST_ELEMENT_FLAG_SINK))
      return element;
    GST_OBJECT_LOCK (element);
    if (element->numsrcpads == 1)
      next = gst_object_ref (GST_PAD (element->srcpads->data));
    GST_OBJECT_UNLOCK (element);
    gst_object_unref (element);
    pad = next ? gst_pad_get_peer (next) : NULL;
    if (next)
      gst_object_unref (next);
  }
  if (pad)
    gst_object_unref (pad);
  return NULL;
}

/* READY->PAUSED, after the src task started: waits (bounded) until the
 * sink downstream prerolled on the task's gap event. In a live pipeline
 * the bin sets PLAYING right after PAUSED and defers an element still
 * prerolling until every async sink prerolled; a sink behind our decoder
 * prerolls only on media, after the handshake, which needs this sink in
 * PLAYING. A src task that ran late (a loaded machine) deadlocked the
 * pipeline that way; waiting here orders the preroll before PLAYING. An
 * async=false sink, or one already prerolled, returns at once. */
static void
wait_downstream_preroll (GstDtls13Encoder * enc)
{
  GstElement *sink = downstream_sink (enc);

  if (sink == NULL)
    return;
  if (gst_element_get_state (sink, NULL, NULL, PREROLL_WAIT) == GST_STATE_CHANGE_ASYNC)
    GST_DEBUG_OBJECT (enc->element, "%s did not preroll within %" GST_TIME_FORMAT,
        GST_OBJECT_NAME (sink), GST_TIME_ARGS (PREROLL_WAIT));
  gst_object_unref (sink);
}

/* The encoders' change_state. */
static GstStateChangeReturn
encoder_change_state (GstElement * element, GstStateChange transition)
{
  GstDtls13Encoder *enc = encoder_of (element);
  GstElementClass *parent_class = g_type_class_peek_parent (G_OBJECT_GET_CLASS (element));
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !join (enc))
    return GST_STATE_CHANGE_FAILURE;

  ret = parent_class->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start (enc))
        return GST_STATE_CHANGE_FAILURE;
      wait_downstream_preroll (enc);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_dtls13_association_stop (enc->assoc);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      leave (gst_dtls13_element_swap_association (element, &enc->assoc, NULL));
      break;
    default:
      break;
  }
  return ret;
}

void
gst_dtls13_encoder_init (GstDtls13Encoder * enc, GstElement * element,
    GstStaticPadTemplate * src_template, const gchar * stream_prefix, const gchar * protocol)
{
  enc->element = element;
  enc->stream_prefix = stream_prefix;
  enc->protocol = protocol;
  g_mutex_init (&enc->push_lock);
  g_object_set_qdata (G_OBJECT (element), encoder_quark (), enc);
  enc->srcpad = gst_pad_new_from_static_template (src_template, "src");
  gst_pad_set_element_private (enc->srcpad, enc);
  gst_pad_set_activatemode_function (enc->srcpad, GST_DEBUG_FUNCPTR (src_activate_mode));
  gst_pad_use_fixed_caps (enc->srcpad);
  gst_element_add_pad (element, enc->srcpad);
}

void
gst_dtls13_encoder_class_init (GstElementClass * klass)
{
  klass->change_state = GST_DEBUG_FUNCPTR (encoder_change_state);
  klass->request_new_pad = GST_DEBUG_FUNCPTR (request_new_pad);
  klass->release_pad = GST_DEBUG_FUNCPTR (release_pad);
}

void
gst_dtls13_encoder_finalize (GstDtls13Encoder * enc)
{
  g_free (enc->connection_id);
  g_mutex_clear (&enc->push_lock);
}

void
gst_dtls13_element_set_string (GstElement * element, gchar ** slot, const GValue * value)
{
  GST_OBJECT_LOCK (element);
  g_free (*slot);
  *slot = g_value_dup_string (value);
  GST_OBJECT_UNLOCK (element);
}

void
gst_dtls13_element_get_string (GstElement * element, gchar ** slot, GValue * value)
{
  GST_OBJECT_LOCK (element);
  g_value_set_string (value, *slot);
  GST_OBJECT_UNLOCK (element);
}

gboolean
gst_dtls13_element_join (GstElement * element, gchar ** connection_id, gboolean is_encoder,
    GstDtls13Association ** slot)
{
  GstDtls13Association *assoc;
  gchar *id;

  GST_OBJECT_LOCK (element);
  id = g_strdup (*connection_id);
  GST_OBJECT_UNLOCK (element);
  assoc = gst_dtls13_association_join (element, id, is_encoder);
  g_free (id);
  if (assoc == NULL)
    return FALSE;
  gst_dtls13_element_swap_association (element, slot, assoc);
  return TRUE;
}

GstDtls13Association *
gst_dtls13_element_swap_association (GstElement * element, GstDtls13Association ** slot,
    GstDtls13Association * assoc)
{
  GstDtls13Association *old;

  GST_OBJECT_LOCK (element);
  old = *slot;
  *slot = assoc;
  GST_OBJECT_UNLOCK (element);
  return old;
}
