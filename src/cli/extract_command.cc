// `cairn extract [--format jsonl|text|feature-files] [--out DIR] [--default-region CC] FILE...`:
// identifiers (URLs, e-mails, phones, UPI, IBAN, cards, BTC, ETH) with byte offsets, streamed
// from each file in chunks; compressed streams inside the files (PDF, gzip, zip, Office XML) are
// decoded and what they hold is reported with a bulk_extractor forensic path ("70727-PDF-0").
// Fields are documented in docs/IDENTIFIERS.md. Exit 1 when an input could not be read (the
// others are still scanned), 2 for usage errors.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cairn/core/file.h"
#include "cairn/extract/extractor.h"
#include "cairn/extract/feature_file.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

struct ExtractArgs {
  std::vector<std::string> files;
  std::string format = "jsonl";
  std::string out_dir;
  std::string default_region;
  std::string kinds;
  bool no_utf16 = false;
  bool no_decode = false;
  size_t chunk_mb = 16;
};

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

Json IdentifierJson(const std::filesystem::path& path, const extract::Identifier& id) {
  Json j;
  AddPath(j, "path", path);
  j["offset"] = id.offset;
  j["length"] = id.length;
  if (!id.forensic_path.empty()) j["forensic_path"] = id.forensic_path;
  j["kind"] = std::string(extract::KindName(id.kind));
  j["value"] = id.value;
  j["normalized"] = id.normalized;
  j["encoding"] = std::string(extract::EncodingName(id.encoding));
  auto opt = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  opt("host", id.host);
  opt("platform", id.platform);
  opt("platform_kind", id.platform_kind);
  opt("region", id.region);
  opt("country", id.country);
  opt("e164", id.e164);
  opt("checksum", id.checksum);
  opt("detail", id.detail);
  return j;
}

std::string TextLine(const std::filesystem::path& path, const extract::Identifier& id) {
  const std::string where = id.forensic_path.empty() ? std::to_string(id.offset) : id.forensic_path;
  std::string line = path.string() + ":" + where + "\t" +
                     std::string(extract::KindName(id.kind)) + "\t" + id.value + "\t" + id.normalized;
  for (const std::string* extra : {&id.platform, &id.country, &id.detail}) {
    if (!extra->empty()) line += "\t" + *extra;
  }
  return line;
}

int RunExtract(const ExtractArgs& a) {
  extract::ExtractOptions options;
  options.default_region = a.default_region;
  options.scan_utf16 = !a.no_utf16;
  options.decode_streams = !a.no_decode;
  if (!a.kinds.empty()) {
    options.kinds = 0;
    std::string_view rest = a.kinds;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      auto kind = extract::ParseKind(name);
      if (!kind) {
        std::fprintf(stderr, "cairn extract: unknown kind '%.*s' (url, email, phone, upi, iban, card, btc, eth)\n",
                     static_cast<int>(name.size()), name.data());
        return 2;
      }
      options.kinds |= 1u << static_cast<int>(*kind);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  auto extractor = extract::Extractor::Create(options);
  if (!extractor.ok()) {
    std::fprintf(stderr, "cairn extract: %s\n", extractor.status().ToString().c_str());
    return 2;
  }
  const bool features = a.format == "feature-files";
  if (features && a.out_dir.empty()) {
    std::fprintf(stderr, "cairn extract: --format feature-files needs --out DIR\n");
    return 2;
  }
  std::map<extract::IdentifierKind, extract::FeatureFileWriter> writers;
  if (features) {
    std::error_code ec;
    std::filesystem::create_directories(a.out_dir, ec);
    if (ec) {
      std::fprintf(stderr, "cairn extract: %s: %s\n", a.out_dir.c_str(), ec.message().c_str());
      return 1;
    }
    const std::string input_name = a.files.size() == 1 ? a.files[0] : std::string("<several inputs>");
    for (int k = 0; k < extract::kIdentifierKindCount; ++k) {
      const auto kind = static_cast<extract::IdentifierKind>(k);
      if (!((options.kinds >> k) & 1u)) continue;
      const auto path = std::filesystem::path(a.out_dir) / (std::string(extract::FeatureRecorderName(kind)) + ".txt");
      auto w = extract::FeatureFileWriter::Create(path, extract::FeatureRecorderName(kind), input_name);
      if (!w.ok()) {
        std::fprintf(stderr, "cairn extract: %s\n", w.status().ToString().c_str());
        return 1;
      }
      writers.emplace(kind, std::move(*w));
    }
  }
  int exit_code = 0;
  for (const std::string& name : a.files) {
    const std::filesystem::path path(name);
    std::unique_ptr<ReadOnlyFile> context_file;
    if (features) {
      auto f = ReadOnlyFile::Open(path);
      if (f.ok()) context_file = std::make_unique<ReadOnlyFile>(std::move(*f));
    }
    Status write_status;
    auto sink = [&](const extract::Identifier& id) {
      if (!features) {
        PrintLine(a.format == "text" ? TextLine(path, id) : JsonLine(IdentifierJson(path, id)));
        return;
      }
      std::string context = id.decoded_context;
      if (context_file && id.forensic_path.empty()) {
        const uint64_t begin = id.offset >= 16 ? id.offset - 16 : 0;
        std::vector<uint8_t> bytes(static_cast<size_t>(id.offset - begin + id.length + 16));
        auto got = context_file->ReadAt(begin, bytes);
        if (got.ok()) context.assign(reinterpret_cast<const char*>(bytes.data()), *got);
      }
      const std::string where = id.forensic_path.empty() ? std::to_string(id.offset) : id.forensic_path;
      const std::string forensic_path = a.files.size() == 1 ? where : name + ":" + where;
      auto it = writers.find(id.kind);
      if (it != writers.end() && write_status.ok()) write_status = it->second.Write(forensic_path, id.value, context);
    };
    Status s = extractor->ExtractFile(path, sink, std::max<size_t>(a.chunk_mb, 1) << 20);
    if (s.ok()) s = write_status;
    if (!s.ok()) {
      std::fprintf(stderr, "cairn extract: %s: %s\n", name.c_str(), s.ToString().c_str());
      exit_code = 1;
    }
  }
  for (auto& [kind, w] : writers) {
    if (Status s = w.Close(); !s.ok()) {
      std::fprintf(stderr, "cairn extract: %s\n", s.ToString().c_str());
      exit_code = 1;
    }
  }
  std::fflush(stdout);
  return exit_code;
}

}  // namespace

void RegisterExtractCommand(CLI::App& app) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* cmd = app.add_subcommand(
      "extract", "Find URLs, e-mails, phone numbers and payment identifiers in files, with byte offsets");
  cmd->add_option("files", args->files, "Files to scan (read-only, streamed)")->required();
  cmd->add_option("--format", args->format, "jsonl (default), text, or feature-files (needs --out)")
      ->check(CLI::IsMember({"jsonl", "text", "feature-files"}));
  cmd->add_option("--out", args->out_dir, "Folder for bulk_extractor-style feature files");
  cmd->add_option("--default-region", args->default_region,
                  "ISO 3166 region for phone numbers written without + (e.g. IN)");
  cmd->add_option("--kinds", args->kinds, "Comma-separated kinds to report (default: all)");
  cmd->add_flag("--no-utf16", args->no_utf16, "Do not scan UTF-16LE text");
  cmd->add_flag("--no-decode", args->no_decode,
                "Do not decode compressed streams (PDF Flate, gzip, zip, Office XML) inside the files");
  cmd->add_option("--chunk-mb", args->chunk_mb, "Streaming chunk size in MiB (default 16)");
  cmd->callback([args] { throw CommandResult{RunExtract(*args)}; });
}

}  // namespace cairn::cli
