// Helpers shared by the report module's section sources (not public API).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/store/database.h"

namespace cairn::report::internal {

// Runs `sql` and calls `row` for each result row.
inline Status ForEachRow(store::Database& db, std::string_view sql,
                         const std::function<Status(store::Statement&)>& row) {
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(sql));
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool has, q.Step());
    if (!has) return Status::Ok();
    CAIRN_RETURN_IF_ERROR(row(q));
  }
}

inline std::string Text(const store::Statement& q, int col) {
  return q.ColumnIsNull(col) ? std::string() : std::string(q.ColumnText(col));
}

}  // namespace cairn::report::internal
