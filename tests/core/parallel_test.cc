#include "cairn/core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace cairn {
namespace {

TEST(OrderedParallelForTest, EmitsEveryResultInOrder) {
  for (int jobs : {1, 2, 7}) {
    std::vector<size_t> seen;
    std::atomic<int> max_worker{0};
    OrderedParallelFor(
        1000, jobs,
        [&](size_t i, int worker) {
          int m = max_worker.load();
          while (worker > m && !max_worker.compare_exchange_weak(m, worker)) {
          }
          // Uneven work so results finish out of order.
          volatile size_t spin = (i * 7919) % 2000;
          while (spin > 0) spin = spin - 1;
          return std::to_string(i);
        },
        [&](size_t i, std::string r) {
          EXPECT_EQ(r, std::to_string(i));
          seen.push_back(i);
        });
    ASSERT_EQ(seen.size(), 1000u);
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
    EXPECT_LT(max_worker.load(), jobs);
  }
}

TEST(OrderedParallelForTest, ZeroItems) {
  int emitted = 0;
  OrderedParallelFor(0, 4, [](size_t, int) { return 1; }, [&](size_t, int) { ++emitted; });
  EXPECT_EQ(emitted, 0);
}

}  // namespace
}  // namespace cairn
