#include "cairn/trail/trace.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace cairn::trail {
namespace {

constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
constexpr int64_t kPosInf = std::numeric_limits<int64_t>::max();

bool Followed(const Transfer& t, const TraceOptions& o) {
  if (o.since && t.time < *o.since) return false;
  if (o.until && t.time > *o.until) return false;
  return t.amount >= o.min_amount && t.amount > 0;
}

// A traced fragment: units [lo, hi) of one transfer, `depth` transfers away from the start set.
struct Piece {
  uint32_t edge;
  int32_t depth;
  int32_t parent;  // index of the piece it came from; -1 for a start transfer
  int64_t lo, hi;
  int64_t terminal = 0;  // units of this piece whose trail ends at its far account
};

// Per-thread scratch indexed by account, reset through the touched list (keeps Trace pure and
// thread-safe while avoiding a hash map or an O(accounts) clear per call).
struct ReachScratch {
  std::vector<int64_t> best;   // best time using <= h hops
  std::vector<int32_t> hops;   // 0 = not reached
  std::vector<int64_t> layer;  // best time found in the current layer
  std::vector<uint32_t> touched, improved;
};

void Reachability(const LedgerGraph& g, const std::vector<char>& is_start,
                  std::span<const uint32_t> start, const TraceOptions& o, TraceResult* r,
                  size_t* expansions) {
  const bool fwd = o.direction == Direction::kForward;
  thread_local ReachScratch s;
  const size_t n = g.num_accounts();
  if (s.best.size() < n) {
    s.best.assign(n, 0);
    s.hops.assign(n, 0);
    s.layer.assign(n, 0);
  }
  const int64_t unset = fwd ? kPosInf : kNegInf;
  auto better = [fwd](int64_t a, int64_t b) { return fwd ? a < b : a > b; };
  std::vector<std::pair<uint32_t, int64_t>> frontier;
  for (uint32_t v : start) frontier.emplace_back(v, fwd ? kNegInf : kPosInf);
  s.touched.clear();
  for (int h = 1; h <= o.max_hops && !frontier.empty(); ++h) {
    s.improved.clear();
    for (auto [v, t] : frontier) {
      auto relax = [&](uint32_t e_index) -> bool {
        if (++*expansions > o.max_expansions) return false;
        const Transfer& e = g.edge(e_index);
        const uint32_t w = fwd ? e.to : e.from;
        if (!Followed(e, o) || is_start[w]) return true;
        if (s.hops[w] != 0 && !better(e.time, s.best[w])) return true;
        if (s.hops[w] == 0) {
          s.hops[w] = h;
          s.touched.push_back(w);
          s.layer[w] = unset;
        }
        s.best[w] = e.time;
        if (s.layer[w] == unset) s.improved.push_back(w);
        if (better(e.time, s.layer[w])) s.layer[w] = e.time;
        return true;
      };
      if (fwd) {
        auto outs = g.out(v);
        auto it = std::upper_bound(outs.begin(), outs.end(), t,
                                   [&](int64_t time, uint32_t e) { return time < g.edge(e).time; });
        for (; it != outs.end(); ++it) {
          if (!relax(*it)) goto done;
        }
      } else {
        auto ins = g.in(v);
        auto end = std::lower_bound(ins.begin(), ins.end(), t,
                                    [&](uint32_t e, int64_t time) { return g.edge(e).time < time; });
        for (auto it = ins.begin(); it != end; ++it) {
          if (!relax(*it)) goto done;
        }
      }
    }
    frontier.clear();
    for (uint32_t w : s.improved) {
      frontier.emplace_back(w, s.layer[w]);
      s.layer[w] = unset;
    }
  }
done:
  for (uint32_t w : s.touched) r->reachable.push_back({w, s.hops[w], s.best[w]});
  for (uint32_t w : s.touched) s.hops[w] = 0;
  std::sort(r->reachable.begin(), r->reachable.end(),
            [](const ReachedAccount& a, const ReachedAccount& b) { return a.account < b.account; });
}

}  // namespace

Result<TraceResult> Trace(const LedgerGraph& g, std::span<const uint32_t> start,
                          const TraceOptions& o) {
  if (o.max_hops < 1) return Status::InvalidArgument("hops must be at least 1");
  if (start.empty()) return Status::InvalidArgument("no start account");
  TraceResult r;
  std::vector<char> is_start(g.num_accounts(), 0);
  for (uint32_t s : start) {
    if (s >= g.num_accounts()) return Status::InvalidArgument("start account out of range");
    if (!is_start[s]) r.start.push_back(s);
    is_start[s] = 1;
  }
  const bool fwd = o.direction == Direction::kForward;

  size_t expansions = 0;
  if (o.reachability) Reachability(g, is_start, r.start, o, &r, &expansions);
  if (expansions > o.max_expansions) {
    r.truncated = true;
    r.truncated_reason = "max_expansions=" + std::to_string(o.max_expansions);
  }

  // FIFO attribution: breadth-first over pieces.
  std::vector<Piece> pieces;
  std::unordered_map<uint32_t, AccountFlow> flows;
  std::unordered_map<uint32_t, int64_t> edge_flow;
  auto flow = [&](uint32_t v, int depth) -> AccountFlow& {
    auto [it, fresh] = flows.try_emplace(v);
    if (fresh) {
      it->second.account = v;
      it->second.min_hops = depth;
    } else {
      it->second.min_hops = std::min(it->second.min_hops, depth);
    }
    return it->second;
  };
  bool cut = false;
  auto add_piece = [&](uint32_t e, int depth, int32_t parent, int64_t lo, int64_t hi) -> bool {
    if (pieces.size() >= o.max_pieces) {
      cut = true;
      return false;
    }
    pieces.push_back({e, depth, parent, lo, hi});
    edge_flow[e] += hi - lo;
    return true;
  };
  for (uint32_t s : r.start) {
    for (uint32_t e : fwd ? g.out(s) : g.in(s)) {
      const Transfer& t = g.edge(e);
      // Transfers between two start accounts (one person's own accounts) neither leave nor
      // enter the set: they are not where the money went or came from.
      if (!Followed(t, o) || is_start[fwd ? t.to : t.from]) continue;
      r.start_amount += t.amount;
      if (!add_piece(e, 1, -1, 0, t.amount)) flow(s, 0).cut += t.amount;
    }
  }
  for (size_t p = 0; p < pieces.size(); ++p) {
    const Piece piece = pieces[p];
    const Transfer& t = g.edge(piece.edge);
    const uint32_t v = fwd ? t.to : t.from;  // the far account of this piece
    const int64_t len = piece.hi - piece.lo;
    AccountFlow& f = flow(v, piece.depth);
    f.traced += len;
    int64_t terminal = 0;
    if (is_start[v]) {
      f.returned += len;
      pieces[p].terminal = len;
      continue;
    }
    int64_t a0, a1;  // the piece's range in v's arrival space
    if (fwd) {
      a0 = g.arrival_start(piece.edge) + piece.lo;
      a1 = g.arrival_start(piece.edge) + piece.hi;
    } else {
      const int64_t ex = g.explained(piece.edge);
      const int64_t own = piece.hi - std::max(piece.lo, ex);
      if (own > 0) {
        f.retained += own;
        terminal += own;
      }
      a0 = g.consume_start(piece.edge) + piece.lo;
      a1 = g.consume_start(piece.edge) + std::min(piece.hi, ex);
    }
    int64_t covered = 0;
    if (a1 > a0) {
      if (fwd) {
        auto outs = g.out(v);
        auto it = std::upper_bound(outs.begin(), outs.end(), a0, [&](int64_t pos, uint32_t e) {
          return pos < g.consume_start(e) + g.explained(e);
        });
        for (; it != outs.end() && g.consume_start(*it) < a1; ++it) {
          const uint32_t e = *it;
          const int64_t lo = std::max(a0, g.consume_start(e));
          const int64_t hi = std::min(a1, g.consume_start(e) + g.explained(e));
          if (hi <= lo) continue;
          covered += hi - lo;
          if (!Followed(g.edge(e), o)) {
            f.unfollowed += hi - lo;
            terminal += hi - lo;
          } else if (piece.depth + 1 > o.max_hops) {
            f.beyond_hops += hi - lo;
            terminal += hi - lo;
          } else if (!add_piece(e, piece.depth + 1, static_cast<int32_t>(p), lo - g.consume_start(e),
                                hi - g.consume_start(e))) {
            f.cut += hi - lo;
            terminal += hi - lo;
          }
        }
        f.retained += (a1 - a0) - covered;
        terminal += (a1 - a0) - covered;
      } else {
        auto ins = g.in(v);
        auto it = std::upper_bound(ins.begin(), ins.end(), a0, [&](int64_t pos, uint32_t e) {
          return pos < g.arrival_start(e) + g.edge(e).amount;
        });
        for (; it != ins.end() && g.arrival_start(*it) < a1; ++it) {
          const uint32_t e = *it;
          const int64_t lo = std::max(a0, g.arrival_start(e));
          const int64_t hi = std::min(a1, g.arrival_start(e) + g.edge(e).amount);
          if (hi <= lo) continue;
          covered += hi - lo;
          if (!Followed(g.edge(e), o)) {
            f.unfollowed += hi - lo;
            terminal += hi - lo;
          } else if (piece.depth + 1 > o.max_hops) {
            f.beyond_hops += hi - lo;
            terminal += hi - lo;
          } else if (!add_piece(e, piece.depth + 1, static_cast<int32_t>(p), lo - g.arrival_start(e),
                                hi - g.arrival_start(e))) {
            f.cut += hi - lo;
            terminal += hi - lo;
          }
        }
        CAIRN_ASSERT(covered == a1 - a0);  // consumed units always map to earlier arrivals
      }
    } else if (fwd) {
      f.retained += len;
      terminal += len;
    }
    pieces[p].terminal = terminal;
  }
  if (cut) {
    r.truncated = true;
    if (!r.truncated_reason.empty()) r.truncated_reason += ",";
    r.truncated_reason += "max_pieces=" + std::to_string(o.max_pieces);
  }
  for (auto& [v, f] : flows) {
    f.terminal = f.retained + f.beyond_hops + f.unfollowed + f.returned + f.cut;
    r.accounts.push_back(f);
  }
  std::sort(r.accounts.begin(), r.accounts.end(), [&](const AccountFlow& a, const AccountFlow& b) {
    if (a.terminal != b.terminal) return a.terminal > b.terminal;
    if (a.traced != b.traced) return a.traced > b.traced;
    return g.name(a.account) < g.name(b.account);
  });
  for (const auto& [e, amount] : edge_flow) r.subgraph.push_back({e, amount});
  std::sort(r.subgraph.begin(), r.subgraph.end(),
            [](const EdgeFlow& a, const EdgeFlow& b) { return a.edge < b.edge; });

  // Explaining paths: the pieces whose trail ends with the most units, a few per account.
  std::vector<uint32_t> order;
  for (uint32_t p = 0; p < pieces.size(); ++p) {
    if (pieces[p].terminal > 0) order.push_back(p);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (pieces[a].terminal != pieces[b].terminal) return pieces[a].terminal > pieces[b].terminal;
    return a < b;
  });
  std::unordered_map<uint32_t, size_t> per_account;
  for (uint32_t p : order) {
    if (r.paths.size() >= o.max_paths) break;
    const Transfer& t = g.edge(pieces[p].edge);
    const uint32_t v = fwd ? t.to : t.from;
    if (per_account[v]++ >= o.max_paths_per_endpoint) continue;
    TracedPath path;
    path.amount = pieces[p].terminal;
    path.account = v;
    for (int32_t q = static_cast<int32_t>(p); q >= 0; q = pieces[q].parent) path.edges.push_back(pieces[q].edge);
    if (fwd) std::reverse(path.edges.begin(), path.edges.end());
    r.paths.push_back(std::move(path));
  }
  return r;
}

}  // namespace cairn::trail
