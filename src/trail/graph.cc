#include "cairn/trail/graph.h"

#include <algorithm>
#include <numeric>

#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "ledger_segment.h"

namespace cairn::trail {

LedgerGraph LedgerGraph::Build(std::vector<std::string> account_names,
                               std::vector<Transfer> transfers, TimeKind time_kind,
                               std::string currency) {
  LedgerGraph g;
  g.names_ = std::move(account_names);
  g.time_kind_ = time_kind;
  g.currency_ = std::move(currency);
  g.by_name_.reserve(g.names_.size());
  for (size_t i = 0; i < g.names_.size(); ++i) g.by_name_.emplace(g.names_[i], static_cast<uint32_t>(i));
  auto before = [](const Transfer& a, const Transfer& b) {
    return a.time != b.time ? a.time < b.time : a.tx_id < b.tx_id;
  };
  // Ledgers mostly arrive in time order: sort only what follows the sorted prefix, then merge.
  const auto unsorted = std::is_sorted_until(transfers.begin(), transfers.end(), before);
  if (unsorted != transfers.end()) {
    std::sort(unsorted, transfers.end(), before);
    std::inplace_merge(transfers.begin(), unsorted, transfers.end(), before);
  }
  g.edges_ = std::move(transfers);
  const size_t n = g.names_.size();
  const size_t m = g.edges_.size();
  CAIRN_ASSERT(m < UINT32_MAX);
  g.out_offsets_.assign(n + 1, 0);
  g.in_offsets_.assign(n + 1, 0);
  for (const Transfer& t : g.edges_) {
    CAIRN_ASSERT(t.from < n && t.to < n);
    ++g.out_offsets_[t.from + 1];
    ++g.in_offsets_[t.to + 1];
  }
  for (size_t v = 0; v < n; ++v) {
    g.out_offsets_[v + 1] += g.out_offsets_[v];
    g.in_offsets_[v + 1] += g.in_offsets_[v];
  }
  g.out_edges_.resize(m);
  g.in_edges_.resize(m);
  {
    std::vector<uint32_t> out_fill(g.out_offsets_.begin(), g.out_offsets_.end() - 1);
    std::vector<uint32_t> in_fill(g.in_offsets_.begin(), g.in_offsets_.end() - 1);
    for (uint32_t e = 0; e < m; ++e) {  // edge order is time order, so lists come out sorted
      g.out_edges_[out_fill[g.edges_[e].from]++] = e;
      g.in_edges_[in_fill[g.edges_[e].to]++] = e;
    }
  }
  // FIFO matching per account: merge arrivals and departures in time order.
  g.arrival_start_.assign(m, 0);
  g.consume_start_.assign(m, 0);
  g.explained_.assign(m, 0);
  for (uint32_t v = 0; v < n; ++v) {
    auto ins = g.in(v);
    auto outs = g.out(v);
    int64_t arrived = 0, consumed = 0;
    size_t i = 0;
    for (uint32_t o : outs) {
      const int64_t t = g.edges_[o].time;
      while (i < ins.size() && g.edges_[ins[i]].time < t) {
        g.arrival_start_[ins[i]] = arrived;
        arrived += g.edges_[ins[i]].amount;
        ++i;
      }
      const int64_t take = std::min(g.edges_[o].amount, arrived - consumed);
      g.consume_start_[o] = consumed;
      g.explained_[o] = take;
      consumed += take;
    }
    for (; i < ins.size(); ++i) {
      g.arrival_start_[ins[i]] = arrived;
      arrived += g.edges_[ins[i]].amount;
    }
  }
  return g;
}

std::optional<uint32_t> LedgerGraph::FindAccount(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

size_t LedgerGraph::MemoryBytes() const {
  size_t bytes = edges_.capacity() * sizeof(Transfer) +
                 (out_offsets_.capacity() + in_offsets_.capacity() + out_edges_.capacity() +
                  in_edges_.capacity()) * sizeof(uint32_t) +
                 (arrival_start_.capacity() + consume_start_.capacity() + explained_.capacity()) *
                     sizeof(int64_t);
  for (const std::string& s : names_) bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  bytes += by_name_.size() * (sizeof(std::string_view) + sizeof(uint32_t) + 2 * sizeof(void*));
  return bytes;
}

Result<LedgerGraph> LedgerGraph::Load(store::Case& c, std::string_view currency) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  store::Database& db = c.db();
  std::string chosen(currency);
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT currency FROM trail_transactions t JOIN trail_files f USING(file_id) "
        "WHERE f.segment IS NULL UNION SELECT currency FROM trail_file_currencies ORDER BY 1"));
    std::vector<std::string> all;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      all.emplace_back(q.ColumnText(0));
    }
    if (chosen.empty() && all.size() > 1) {
      std::string list;
      for (const std::string& s : all) list += (list.empty() ? "" : ", ") + s;
      return Status::InvalidArgument(c.dir().string() + ": the ledger holds several currencies (" +
                                     list + "); choose one (--currency)");
    }
    if (chosen.empty() && all.size() == 1) chosen = all[0];
  }
  TimeKind kind = TimeKind::kInteger;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT DISTINCT time_kind FROM trail_files WHERE rows > 0"));
    int kinds = 0;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ++kinds;
      if (q.ColumnText(0) == "utc_seconds") kind = TimeKind::kUtcSeconds;
    }
    if (kinds > 1) {
      return Status::InvalidArgument(c.dir().string() +
                                     ": the ledger mixes integer time steps and calendar times");
    }
  }
  std::vector<std::string> names;
  std::vector<uint32_t> index;  // account_id → account index (ids are small positive integers)
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT account_id, name FROM trail_accounts ORDER BY account_id"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      const int64_t id = q.ColumnInt(0);
      if (id < 0 || id > (int64_t{1} << 32)) {
        return Status::Corrupt(c.dir().string() + ": trail_accounts has account_id " + std::to_string(id));
      }
      if (index.size() <= static_cast<size_t>(id)) index.resize(static_cast<size_t>(id) + 1, UINT32_MAX);
      index[static_cast<size_t>(id)] = static_cast<uint32_t>(names.size());
      names.emplace_back(q.ColumnText(1));
    }
  }
  auto account = [&](int64_t id) -> uint32_t {
    return (id >= 0 && static_cast<size_t>(id) < index.size()) ? index[static_cast<size_t>(id)] : UINT32_MAX;
  };
  CAIRN_ASSIGN_OR_RETURN(const std::vector<segment::StoredFile> files, segment::ReadStoredFiles(db));
  uint64_t total_rows = 0;
  for (const segment::StoredFile& f : files) total_rows += f.rows;
  auto unknown_account = [&](int64_t tx_id) {
    return Status::Corrupt(c.dir().string() + ": transaction " + std::to_string(tx_id) +
                           " names an unknown account");
  };
  std::vector<Transfer> transfers;
  transfers.reserve(static_cast<size_t>(total_rows));
  {  // v1 files: rows in trail_transactions
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT t.tx_id, t.from_account, t.to_account, t.amount_minor, t.time "
        "FROM trail_transactions t JOIN trail_files f USING(file_id) "
        "WHERE f.segment IS NULL AND t.duplicate_of_line IS NULL AND t.currency = ?"));
    CAIRN_RETURN_IF_ERROR(q.BindText(1, chosen));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      Transfer t;
      t.tx_id = q.ColumnInt(0);
      t.from = account(q.ColumnInt(1));
      t.to = account(q.ColumnInt(2));
      if (t.from == UINT32_MAX || t.to == UINT32_MAX) return unknown_account(t.tx_id);
      t.amount = q.ColumnInt(3);
      t.time = q.ColumnInt(4);
      transfers.push_back(t);
    }
  }
  for (const segment::StoredFile& f : files) {  // v2 files: ledger segments
    if (!f.has_segment) continue;
    CAIRN_ASSIGN_OR_RETURN(segment::SegmentView v, segment::SegmentView::Open(
        c.dir() / "trail" / f.segment, f.rows, f.first_tx_id, f.sha256));
    const auto& currencies = v.currencies();
    const auto it = std::find(currencies.begin(), currencies.end(), chosen);
    if (it == currencies.end()) continue;
    const auto want = static_cast<uint16_t>(it - currencies.begin());
    const auto time = v.time();
    const auto amount = v.amount();
    const auto from = v.from();
    const auto to = v.to();
    const auto currency = v.currency();
    const auto dups = v.duplicates();
    size_t d = 0;
    for (size_t i = 0; i < time.size(); ++i) {
      if (d < dups.size() && dups[d].row == i) {
        if (dups[d++].value > 0) continue;  // same external id: never traced
      }
      if (currency[i] != want) continue;
      Transfer t;
      t.tx_id = f.first_tx_id + static_cast<int64_t>(i);
      t.from = account(from[i]);
      t.to = account(to[i]);
      if (t.from == UINT32_MAX || t.to == UINT32_MAX) return unknown_account(t.tx_id);
      t.amount = amount[i];
      t.time = time[i];
      transfers.push_back(t);
    }
  }
  return Build(std::move(names), std::move(transfers), kind, chosen);
}

}  // namespace cairn::trail
