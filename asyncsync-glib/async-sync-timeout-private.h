/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "async-sync-timeout.h"

G_BEGIN_DECLS

gint64 async_sync_timeout_get_cancel_time (AsyncSyncTimeout *self);

G_END_DECLS
