/* GStreamer dtls13 plugin - the association's engine configuration: the
 * local certificate, the dtls13_config made from the encoder's settings,
 * and what a new connection is given before it processes anything. */
#include "gstdtls13associationpriv.h"

#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "dtls13/srtp.h"

static gboolean
set_profiles (dtls13_config * cfg, const gchar * names, GError ** error)
{
  gchar **parts = g_strsplit_set (names, ", :", -1);
  uint16_t profiles[8];
  size_t count = 0;
  gboolean ok = TRUE;

  for (gchar ** p = parts; *p != NULL && ok; p++) {
    uint16_t id;
    if ((*p)[0] == '\0')
      continue;
    id = dtls13_srtp_profile_from_name (*p);
    if (id == 0 || count == G_N_ELEMENTS (profiles)) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          "srtp-profiles: unknown or too many profiles at '%s'", *p);
      ok = FALSE;
    } else {
      profiles[count++] = id;
    }
  }
  g_strfreev (parts);
  if (ok && count == 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "srtp-profiles names no profile");
    ok = FALSE;
  }
  if (ok && dtls13_config_set_srtp_profiles (cfg, profiles, count, NULL, 0) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "srtp-profiles rejected");
    ok = FALSE;
  }
  return ok;
}

static const gchar *
version_nick (GstDtls13Version version)
{
  switch (version) {
    case GST_DTLS13_VERSION_DTLS12:
      return "dtls1.2";
    case GST_DTLS13_VERSION_DTLS13:
      return "dtls1.3";
  }
  return "unknown";
}

/* min-version / max-version; an empty range is refused with an error that
 * names both properties. */
static gboolean
set_version_range (dtls13_config * cfg, const GstDtls13Settings * s, GError ** error)
{
  int rc = dtls13_config_set_version_range (cfg, (uint16_t) s->min_version,
      (uint16_t) s->max_version);

  if (rc == 0)
    return TRUE;
  g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "min-version %s and max-version %s leave no version to negotiate (%s)",
        version_nick (s->min_version), version_nick (s->max_version), dtls13_strerror (rc));
  return FALSE;
}

/* Whether pem holds PEM text (certificate and key, as gst-plugins-bad's
 * pem property) rather than the name of a file. */
static gboolean
pem_is_text (const gchar * pem)
{
  while (g_ascii_isspace (*pem))
    pem++;
  return g_str_has_prefix (pem, "-----BEGIN ");
}

/* Loads pem (a file name or PEM text; NULL or empty: generates a P-256
 * certificate) into the association's certificate holder unless it
 * already holds that one. Messages name the file, never the text. */
static gboolean
prepare_certificate_locked (GstDtls13Association * assoc, const gchar * pem, GError ** error)
{
  const gchar *path = pem != NULL && pem[0] != '\0' ? pem : NULL;
  gboolean text = path != NULL && pem_is_text (path);
  const gchar *what = text ? "PEM text" : path;
  char fingerprint[128];
  dtls13_config *holder;
  gchar *digest;
  int rc;

  /* A digest, not the text: the association keeps no copy of the key. */
  digest = path ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1) : NULL;
  if (assoc->cert_cfg != NULL && g_strcmp0 (assoc->cert_pem_sha256, digest) == 0) {
    g_free (digest);
    return TRUE;
  }
  holder = dtls13_config_new ();
  if (holder == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "out of memory");
    g_free (digest);
    return FALSE;
  }
  if (text)
    rc = dtls13_config_load_pem_mem (holder, path, strlen (path), path, strlen (path));
  else
    rc = path != NULL ? dtls13_config_load_pem (holder, path, path)
        : dtls13_config_generate_certificate (holder, NULL);
  if (rc == 0)
    rc = dtls13_config_fingerprint (holder, DTLS13_HASH_SHA256, fingerprint, sizeof fingerprint);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "certificate: %s%s%s", dtls13_strerror (rc), path ? " loading " : "", path ? what : "");
    dtls13_config_free (holder);
    g_free (digest);
    return FALSE;
  }
  dtls13_config_free (assoc->cert_cfg);
  assoc->cert_cfg = holder;
  g_free (assoc->cert_pem_sha256);
  assoc->cert_pem_sha256 = digest;
  g_free (assoc->local_fingerprint);
  assoc->local_fingerprint = g_strdup (fingerprint);
  GST_INFO ("[%s] local certificate %s, fingerprint %s", assoc->id,
      path ? what : "generated (ECDSA P-256)", fingerprint);
  return TRUE;
}

gboolean
gst_dtls13_association_use_certificate (GstDtls13Association * assoc,
    const dtls13_config * holder, GError ** error)
{
  char fingerprint[128];
  dtls13_config *copy = dtls13_config_new ();
  int rc = copy ? dtls13_config_copy_certificate (copy, holder) : DTLS13_ERR_NO_MEMORY;

  if (rc == 0)
    rc = dtls13_config_fingerprint (copy, DTLS13_HASH_SHA256, fingerprint, sizeof fingerprint);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS, "certificate: %s",
        dtls13_strerror (rc));
    dtls13_config_free (copy);
    return FALSE;
  }
  g_rec_mutex_lock (&assoc->lock);
  dtls13_config_free (assoc->cert_cfg);
  assoc->cert_cfg = copy;
  g_clear_pointer (&assoc->cert_pem_sha256, g_free);   /* start() with pem NULL keeps it */
  g_free (assoc->local_fingerprint);
  assoc->local_fingerprint = g_strdup (fingerprint);
  g_rec_mutex_unlock (&assoc->lock);
  GST_INFO ("[%s] local certificate given, fingerprint %s", assoc->id, fingerprint);
  return TRUE;
}

gboolean
gst_dtls13_association_prepare_certificate (GstDtls13Association * assoc, const gchar * pem,
    GError ** error)
{
  gboolean ok;

  g_rec_mutex_lock (&assoc->lock);
  ok = prepare_certificate_locked (assoc, pem, error);
  g_rec_mutex_unlock (&assoc->lock);
  return ok;
}

dtls13_config *
assoc_make_config (GstDtls13Association * assoc, const GstDtls13Settings * s, GError ** error)
{
  dtls13_config *cfg;
  int rc;

  /* The certificate made (or loaded) at READY, unless pem changed since. */
  if (!prepare_certificate_locked (assoc, s->pem, error))
    return NULL;
  cfg = dtls13_config_new ();
  if (cfg == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "out of memory");
    return NULL;
  }
  rc = dtls13_config_copy_certificate (cfg, assoc->cert_cfg);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "certificate: %s",
        dtls13_strerror (rc));
    goto fail;
  }
  if (!set_version_range (cfg, s, error))
    goto fail;
  if (s->srtp_profiles != NULL && s->srtp_profiles[0] != '\0'
      && !set_profiles (cfg, s->srtp_profiles, error))
    goto fail;
  if (dtls13_config_set_mtu (cfg, s->mtu) != 0
      || dtls13_config_set_initial_timeout_ms (cfg, s->initial_timeout_ms) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "mtu or initial-timeout-ms out of range");
    goto fail;
  }
  dtls13_config_set_log_callback (cfg, assoc_on_log, assoc);
  dtls13_config_set_verify_callback (cfg, assoc_on_verify, assoc);
  if (assoc->keylog_path != NULL)
    dtls13_config_set_keylog_callback (cfg, assoc_on_keylog, assoc);
  return cfg;
fail:
  dtls13_config_free (cfg);
  return NULL;
}

/* Event callback, expected peer fingerprint and (server) address
 * validation of a new connection, before it processes anything more. */
gboolean
assoc_configure_conn_locked (GstDtls13Association * assoc, GError ** error)
{
  dtls13_conn_set_event_callback (assoc->conn, assoc_on_event, assoc);
  if (assoc->peer_fingerprint != NULL
      && dtls13_conn_set_peer_fingerprint (assoc->conn, assoc->peer_fingerprint) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "peer-fingerprint '%s' is not an SDP fingerprint", assoc->peer_fingerprint);
    return FALSE;
  }
  if (dtls13_conn_role (assoc->conn) == DTLS13_ROLE_SERVER && assoc->peer_address_validated)
    dtls13_conn_set_peer_address_validated (assoc->conn);
  return TRUE;
}
