// The hash-list library: every imported list compiled to its own immutable file under
// $CAIRN_HOME/lists/<name>/<version>.cairnhl, and a SQLite catalog ($CAIRN_HOME/catalog.db)
// naming them with their source, counts and import report. Import is all-or-nothing: the file is
// written and renamed into place first, then one catalog transaction makes it visible; a failure
// or kill at any point leaves the catalog (what every command reads) as it was. A Library object
// is used from one thread; the CompiledLists it opens are immutable and shareable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/hashset/compiled_list.h"
#include "cairn/hashset/import.h"

namespace cairn::store {
class Database;
}

namespace cairn::hashset {

struct CatalogRow {
  std::string name;
  std::string version;
  std::string file;  // relative to the library folder
  ListInfo info;
  CompiledCounts counts;
  std::string imported_utc;
  std::string report_json;  // the full ImportReport as JSON
};

class Library {
 public:
  // $CAIRN_HOME, else $HOME/.local/share/cairn.
  static std::filesystem::path DefaultHome();
  // Opens (creating when missing) the library in `home`.
  static Result<std::unique_ptr<Library>> Open(const std::filesystem::path& home);
  ~Library();

  // Imports `source` as (name, version). Refuses an existing (name, version): versions are
  // immutable; remove first to replace. Returns the new catalog row.
  Result<CatalogRow> Import(const std::filesystem::path& source, const std::string& name,
                            const std::string& version, const ImportOptions& options);

  Result<std::vector<CatalogRow>> List() const;
  // `version` empty: the most recently imported version of `name`.
  Result<CatalogRow> Find(const std::string& name, const std::string& version = {}) const;
  // Resolves "name" or "name@version" and opens the compiled file.
  Result<std::shared_ptr<const CompiledList>> OpenList(const std::string& spec) const;
  Status Remove(const std::string& name, const std::string& version);

  const std::filesystem::path& home() const { return home_; }
  // Test seam: the catalog database (to inject write failures).
  store::Database& catalog() { return *db_; }

 private:
  Library(std::filesystem::path home, std::unique_ptr<store::Database> db);
  std::filesystem::path home_;
  std::unique_ptr<store::Database> db_;
};

// The ImportReport as a JSON document (stable field names, see docs/HASHLISTS.md).
std::string ImportReportJson(const ImportReport& report);

}  // namespace cairn::hashset
