// Helpers shared by the report module's section sources (not public API).
#pragma once

#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/store/database.h"

namespace cairn::report::internal {

inline std::string Text(const store::Statement& q, int col) {
  return q.ColumnIsNull(col) ? std::string() : std::string(q.ColumnText(col));
}

}  // namespace cairn::report::internal
