// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The static analyze: libmicrohttpd without HTTPS. Debian's libmicrohttpd.a
 * is built with GnuTLS, and libgnutls.a needs p11-kit, which has no static
 * library. analyze --serve speaks plain HTTP only (it never asks for
 * MHD_USE_TLS), so each GnuTLS function the library refers to is replaced
 * by one that fails: the linker then takes nothing of GnuTLS. Only the
 * library's start and end (gnutls_global_init/deinit) run, and succeed.
 */
#include <stdlib.h>

#define NOTLS_E_UNIMPLEMENTED (-1250) /* GNUTLS_E_UNIMPLEMENTED_FEATURE */

/* The caller's prototypes differ; none of these runs without TLS, and those
 * that do (global init and deinit) take and return what these do. */
#define NO_TLS(name) \
	int name(void); \
	int name(void) { return NOTLS_E_UNIMPLEMENTED; }

int gnutls_global_init(void);
int gnutls_global_init(void)
{
	return 0;
}

void gnutls_global_deinit(void);
void gnutls_global_deinit(void)
{
}

void *(*gnutls_malloc)(size_t) = malloc;

NO_TLS(gnutls_alpn_set_protocols)
NO_TLS(gnutls_bye)
NO_TLS(gnutls_certificate_allocate_credentials)
NO_TLS(gnutls_certificate_free_credentials)
NO_TLS(gnutls_certificate_server_set_request)
NO_TLS(gnutls_certificate_set_dh_params)
NO_TLS(gnutls_certificate_set_retrieve_function2)
NO_TLS(gnutls_certificate_set_retrieve_function3)
NO_TLS(gnutls_certificate_set_x509_key_mem)
NO_TLS(gnutls_certificate_set_x509_key_mem2)
NO_TLS(gnutls_certificate_set_x509_trust_mem)
NO_TLS(gnutls_cipher_get)
NO_TLS(gnutls_credentials_set)
NO_TLS(gnutls_deinit)
NO_TLS(gnutls_dh_params_deinit)
NO_TLS(gnutls_dh_params_import_pkcs3)
NO_TLS(gnutls_dh_params_init)
NO_TLS(gnutls_handshake)
NO_TLS(gnutls_init)
NO_TLS(gnutls_priority_deinit)
NO_TLS(gnutls_priority_init)
NO_TLS(gnutls_priority_set)
NO_TLS(gnutls_protocol_get_version)
NO_TLS(gnutls_psk_allocate_server_credentials)
NO_TLS(gnutls_psk_free_server_credentials)
NO_TLS(gnutls_psk_set_server_credentials_function)
NO_TLS(gnutls_record_check_pending)
NO_TLS(gnutls_record_get_direction)
NO_TLS(gnutls_record_recv)
NO_TLS(gnutls_record_send)
NO_TLS(gnutls_session_get_ptr)
NO_TLS(gnutls_session_set_ptr)
NO_TLS(gnutls_strerror)
NO_TLS(gnutls_transport_set_int2)
