/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "async-sync-model.h"

G_BEGIN_DECLS

typedef enum
{
  MODEL_CHECK_NONE    = 0,
  MODEL_CHECK_VERBOSE = 1 << 0,   /* print every step, its events and the state */
} ModelCheckFlags;

/*
 * model_check_run:
 *
 * Runs @seq on the library and on the model, one thread, two main
 * contexts, comparing after each step: the call's return value and error,
 * every completion, predicate call and property notification so far (in
 * order, each on the right context, none inside an API call), and the
 * observable state.  Then drains (completes everything in flight), drops
 * every object and checks that each one, each GTask and each cancellable
 * was finalized and each predicate's destroy notify ran once.
 *
 * Returns: %TRUE if the library behaved as the model; else %FALSE with
 *   the first difference appended to @report
 */
gboolean model_check_run (const ModelSequence *seq,
                          ModelCheckFlags      flags,
                          GString             *report);

G_END_DECLS
