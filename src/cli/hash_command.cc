// `cairn hash`: one record per file with digests, media type, image size and PDQ; for videos the
// vPDQ frame count, and with --vpdq-dir the frames as DIR/<sha256>.vpdq (vPDQ frame lines).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cairn/core/atomic_write.h"
#include "cairn/core/parallel.h"
#include "cairn/evidence/directory_walk.h"
#include "cairn/scan/file_hasher.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

struct HashArgs {
  std::vector<std::string> paths;
  std::string format = "jsonl";
  bool dihedral = false;
  bool fast = false;
  bool apply_exif_orientation = false;
  uint64_t max_pixels = media::DecodeOptions{}.max_pixels;
  int jobs = 0;
  bool quiet = false;
  double video_seconds_per_frame = 1.0;
  std::string vpdq_dir;
};

constexpr const char* kCsvColumns[] = {"path",   "size",  "md5",    "sha1",
                                       "sha256", "media_type", "width", "height",
                                       "pdq",    "pdq_quality", "pdq_dihedral", "video_frames",
                                       "error"};

Json ToJson(const scan::FileHashRecord& r, bool dihedral) {
  Json j;
  AddPath(j, "path", r.path);
  // Entries that were not read (symlinks, unreadable files) have no size, digests or type.
  if (r.digests) {
    j["size"] = r.size;
    j["md5"] = r.digests->md5.ToHex();
    j["sha1"] = r.digests->sha1.ToHex();
    j["sha256"] = r.digests->sha256.ToHex();
    j["media_type"] = std::string(media::MediaTypeName(r.media_type));
  } else {
    for (const char* key : {"size", "md5", "sha1", "sha256", "media_type"}) j[key] = nullptr;
  }
  if (r.width > 0) {
    j["width"] = r.width;
    j["height"] = r.height;
  } else {
    j["width"] = nullptr;
    j["height"] = nullptr;
  }
  if (r.pdq) {
    j["pdq"] = r.pdq->hash.ToHex();
    j["pdq_quality"] = r.pdq->quality;
  } else {
    j["pdq"] = nullptr;
    j["pdq_quality"] = nullptr;
  }
  if (dihedral) {
    if (r.pdq_dihedral) {
      Json arr = Json::array();
      for (const Hash256& h : *r.pdq_dihedral) arr.push_back(h.ToHex());
      j["pdq_dihedral"] = std::move(arr);
    } else {
      j["pdq_dihedral"] = nullptr;
    }
  }
  j["video_frames"] = r.video_frames ? Json(r.video_frames->size()) : Json(nullptr);
  j["error"] = r.error.ok() ? Json(nullptr) : Json(r.error.ToString());
  return j;
}

std::string ToCsv(const Json& j) {
  std::string line;
  for (const char* col : kCsvColumns) {
    if (!line.empty()) line += ',';
    auto it = j.find(col);
    if (it == j.end() || it->is_null()) continue;
    if (it->is_string()) {
      line += CsvField(it->get<std::string>());
    } else if (it->is_array()) {
      std::string joined;
      for (const auto& h : *it) joined += (joined.empty() ? "" : " ") + h.get<std::string>();
      line += joined;
    } else {
      line += it->dump();
    }
  }
  return line;
}

scan::FileHashRecord RecordForEntry(const evidence::WalkEntry& e) {
  scan::FileHashRecord r;
  r.path = e.path;
  switch (e.kind) {
    case evidence::WalkEntry::Kind::kSymlink:
      r.error = Status::Unsupported("symbolic link to '" + e.symlink_target + "'; not followed");
      break;
    case evidence::WalkEntry::Kind::kSpecial:
      r.error = Status::Unsupported("not a regular file (device, FIFO or socket); not read");
      break;
    case evidence::WalkEntry::Kind::kError:
      r.error = e.error;
      break;
    case evidence::WalkEntry::Kind::kFile:
      break;
  }
  return r;
}

// DIR/<sha256>.vpdq, written whole (identical videos share it).
Status WriteVpdqFile(const std::filesystem::path& dir, const scan::FileHashRecord& r) {
  return WriteFileAtomically(dir / (r.digests->sha256.ToHex() + ".vpdq"), [&](std::ostream& f) {
    f << video::FormatVpdq(*r.video_frames);
    return Status::Ok();
  });
}

int RunHash(const HashArgs& args) {
  std::vector<evidence::WalkEntry> entries;
  for (const std::string& p : args.paths) {
    evidence::WalkPath(p, [&](const evidence::WalkEntry& e) { entries.push_back(e); });
  }
  scan::HashOptions options;
  options.dihedral = args.dihedral;
  options.fast = args.fast;
  options.decode.apply_exif_orientation = args.apply_exif_orientation;
  options.decode.max_pixels = args.max_pixels;
  options.video_options.seconds_per_frame = args.video_seconds_per_frame;
  if (!args.vpdq_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.vpdq_dir, ec);
    if (ec) {
      std::fprintf(stderr, "cairn hash: %s: cannot create: %s\n", args.vpdq_dir.c_str(),
                   ec.message().c_str());
      return 1;
    }
  }
  const int jobs = args.jobs > 0 ? args.jobs
                                 : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<scan::FileHasher>> hashers;
  for (int w = 0; w < jobs; ++w) hashers.push_back(std::make_unique<scan::FileHasher>(options));

  const bool csv = args.format == "csv";
  if (csv) {
    std::string header;
    for (const char* col : kCsvColumns) header += (header.empty() ? "" : ",") + std::string(col);
    std::printf("%s\n", header.c_str());
  }
  size_t errors = 0;
  OrderedParallelFor(
      entries.size(), jobs,
      [&](size_t i, int worker) {
        const evidence::WalkEntry& e = entries[i];
        scan::FileHashRecord r = e.kind == evidence::WalkEntry::Kind::kFile
                                     ? hashers[static_cast<size_t>(worker)]->HashFile(e.path)
                                     : RecordForEntry(e);
        if (r.video_frames && r.digests && !args.vpdq_dir.empty()) {
          Status s = WriteVpdqFile(args.vpdq_dir, r);
          if (!s.ok() && r.error.ok()) r.error = s;
        }
        const Json j = ToJson(r, args.dihedral);
        return std::make_pair(!r.error.ok(), csv ? ToCsv(j) : JsonLine(j));
      },
      [&](size_t, std::pair<bool, std::string> out) {
        errors += out.first ? 1 : 0;
        std::fwrite(out.second.data(), 1, out.second.size(), stdout);
        std::fputc('\n', stdout);
      });
  std::fflush(stdout);
  if (!args.quiet) {
    std::fprintf(stderr, "cairn hash: %zu entries, %zu with errors\n", entries.size(), errors);
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

void RegisterHashCommand(CLI::App& app) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "Hash files: MD5, SHA-1, SHA-256, media type by content, PDQ for images, and vPDQ frame\n"
      "hashes for videos (count in video_frames; the frames with --vpdq-dir).\n"
      "Folders are walked recursively; symbolic links are reported, never followed.\n"
      "Exit status: 0 all entries hashed, 1 some entries carry an error, 2 usage error.");
  cmd->add_option("paths", args->paths, "Files or folders")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--dihedral", args->dihedral, "Also output the 8 dihedral PDQ variants");
  cmd->add_flag("--fast", args->fast,
                "Decode JPEGs at reduced scale in the DCT domain (see docs/PDQ.md for its accuracy)");
  cmd->add_flag("--apply-exif-orientation", args->apply_exif_orientation,
                "Rotate images by their EXIF orientation before hashing (the reference does not)");
  cmd->add_option("--max-pixels", args->max_pixels,
                  "Refuse images whose header claims more pixels than this")
      ->capture_default_str();
  cmd->add_option("--video-seconds-per-frame", args->video_seconds_per_frame,
                  "Videos: hash one frame every this many seconds (0: every frame)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--vpdq-dir", args->vpdq_dir,
                  "Write each video's frames to DIR/<sha256>.vpdq (frame,quality,pdq,seconds lines)");
  cmd->add_option("--jobs,-j", args->jobs, "Worker threads (default: one per core)");
  cmd->add_flag("--quiet,-q", args->quiet, "No summary line on stderr");
  cmd->callback([args] { throw CommandResult(RunHash(*args)); });
}

}  // namespace cairn::cli
