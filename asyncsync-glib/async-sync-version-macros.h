/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <glib.h>

/**
 * SECTION:async-sync-version-macros
 * @Title: Version macros
 * @Short_description: Symbol visibility and availability
 *
 * Macros that mark which symbols the library exports.  Every public
 * function carries one; nothing else is visible outside the library.
 */

#if defined(_WIN32) && !defined(__CYGWIN__)
# ifdef ASYNC_SYNC_COMPILATION
#  define _ASYNC_SYNC_EXTERN __declspec(dllexport) extern
# else
#  define _ASYNC_SYNC_EXTERN __declspec(dllimport) extern
# endif
#else
# define _ASYNC_SYNC_EXTERN __attribute__((visibility("default"))) extern
#endif

/**
 * ASYNC_SYNC_AVAILABLE_IN_ALL:
 *
 * Marks a symbol exported by every version of the library.
 *
 * Since: 1.0
 */
#define ASYNC_SYNC_AVAILABLE_IN_ALL _ASYNC_SYNC_EXTERN

/**
 * ASYNC_SYNC_AVAILABLE_IN_1_0:
 *
 * Marks a symbol added in version 1.0.
 *
 * Since: 1.0
 */
#define ASYNC_SYNC_AVAILABLE_IN_1_0 _ASYNC_SYNC_EXTERN
