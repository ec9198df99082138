// OrderedParallelFor: runs work(i, worker) for i in [0, count) on `jobs` threads and hands each
// result to emit(i, result) on the calling thread in index order. At most `window` results wait
// to be emitted, so memory stays bounded whatever `count` is. `work` must be safe to call
// concurrently for different workers; `worker` (0..jobs-1) indexes per-thread state.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn {

template <typename Work, typename Emit>
void OrderedParallelFor(size_t count, int jobs, Work&& work, Emit&& emit) {
  using R = decltype(work(size_t{0}, 0));
  jobs = std::max(1, jobs);
  const size_t window = static_cast<size_t>(jobs) * 8;
  std::mutex mu;
  std::condition_variable ready;    // a result arrived
  std::condition_variable drained;  // the emitter caught up
  std::map<size_t, R> pending;
  size_t next_emit = 0;
  std::atomic<size_t> next_task{0};

  auto run = [&](int worker) {
    for (;;) {
      const size_t i = next_task.fetch_add(1);
      if (i >= count) return;
      {
        std::unique_lock lock(mu);
        drained.wait(lock, [&] { return i < next_emit + window; });
      }
      R r = work(i, worker);
      std::lock_guard lock(mu);
      pending.emplace(i, std::move(r));
      ready.notify_one();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(jobs));
  for (int w = 0; w < jobs; ++w) threads.emplace_back(run, w);
  for (size_t i = 0; i < count; ++i) {
    R r;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return !pending.empty() && pending.begin()->first == i; });
      r = std::move(pending.begin()->second);
      pending.erase(pending.begin());
      next_emit = i + 1;
    }
    drained.notify_all();
    emit(i, std::move(r));
  }
  for (auto& t : threads) t.join();
}

}  // namespace cairn
