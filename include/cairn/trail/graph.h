// LedgerGraph: the ledger as an immutable in-memory CSR graph (accounts = nodes, transfers =
// edges) with the FIFO matching of every account precomputed (Clayton's rule: money leaving an
// account is the earliest unspent money that arrived strictly before; the rest is "own funds").
// Built once from the case store (duplicates excluded) or from edges in memory; then read-only
// and safe to share between threads. Memory: about 72 bytes per transfer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/trail/ledger.h"

namespace cairn::store {
class Case;
}

namespace cairn::trail {

struct Transfer {
  uint32_t from = 0;  // account index
  uint32_t to = 0;
  int64_t amount = 0;  // minor units
  int64_t time = 0;
  int64_t tx_id = 0;   // trail_transactions.tx_id (or any caller id); ties in time break by it
};

class LedgerGraph {
 public:
  // Accounts are 0..names.size()-1. Transfers are re-ordered by (time, tx_id); `edge(i)` uses
  // that order. Transfers naming an account out of range trip an assertion.
  static LedgerGraph Build(std::vector<std::string> account_names, std::vector<Transfer> transfers,
                           TimeKind time_kind = TimeKind::kInteger, std::string currency = "");
  // Loads every non-duplicate transaction of the case. A case holding several currencies needs
  // `currency` (kInvalidArgument otherwise); only that currency's transfers are loaded.
  static Result<LedgerGraph> Load(store::Case& c, std::string_view currency = {});

  size_t num_accounts() const { return names_.size(); }
  size_t num_transfers() const { return edges_.size(); }
  const std::string& name(uint32_t account) const { return names_[account]; }
  std::optional<uint32_t> FindAccount(std::string_view name) const;
  const Transfer& edge(uint32_t e) const { return edges_[e]; }
  TimeKind time_kind() const { return time_kind_; }
  const std::string& currency() const { return currency_; }

  // Edge indices leaving / entering an account, in (time, tx_id) order.
  std::span<const uint32_t> out(uint32_t v) const {
    return {out_edges_.data() + out_offsets_[v], out_offsets_[v + 1] - out_offsets_[v]};
  }
  std::span<const uint32_t> in(uint32_t v) const {
    return {in_edges_.data() + in_offsets_[v], in_offsets_[v + 1] - in_offsets_[v]};
  }

  // FIFO matching. Each account's arrivals are laid end to end in time order ("arrival space",
  // in minor units). Edge e occupies [arrival_start(e), +amount) in its receiver's arrival space;
  // as an outflow it consumed [consume_start(e), +explained(e)) of its sender's arrival space,
  // and its remaining amount - explained(e) units are the sender's own (unexplained) funds.
  int64_t arrival_start(uint32_t e) const { return arrival_start_[e]; }
  int64_t consume_start(uint32_t e) const { return consume_start_[e]; }
  int64_t explained(uint32_t e) const { return explained_[e]; }

  size_t MemoryBytes() const;

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> by_name_;
  std::vector<Transfer> edges_;
  std::vector<uint32_t> out_offsets_, in_offsets_, out_edges_, in_edges_;
  std::vector<int64_t> arrival_start_, consume_start_, explained_;
  TimeKind time_kind_ = TimeKind::kInteger;
  std::string currency_;
};

}  // namespace cairn::trail
