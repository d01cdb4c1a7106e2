/* GStreamer dtls13 plugin - certificates as PEM text, for the properties
 * and signals of both plugins that carry one (on-peer-certificate, the
 * compat decoder's pem and peer-pem). */
#ifndef GST_DTLS13_PEM_H
#define GST_DTLS13_PEM_H

#include <gst/gst.h>

#include "dtls13/config.h"

G_BEGIN_DECLS

/** A DER certificate as newly allocated PEM text ("-----BEGIN
 *  CERTIFICATE-----", base64 in lines of 64, the END line). */
gchar *gst_dtls13_der_to_pem (const guint8 * der, gsize len);

/** The local certificate of holder as newly allocated PEM text (the
 *  certificate alone, never the key), or NULL when holder has none. */
gchar *gst_dtls13_config_certificate_pem (const dtls13_config * holder);

/** Overwrites pem (a pem property's value: a file name, or PEM text that
 *  may hold a private key) with zeros and frees it; NULL is allowed. */
void gst_dtls13_pem_free (gchar * pem);

G_END_DECLS
#endif
