#include "cairn/trail/links.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "cairn/core/file.h"
#include "cairn/core/text.h"
#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "cairn/trail/graph.h"

namespace cairn::trail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

// Digits of a phone-looking text ("+91 98765-43210" → "919876543210"), or "" when it is not one.
std::string PhoneDigits(std::string_view s) {
  std::string d;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c)) {
      d += c;
    } else if (c == '+' && d.empty()) {
      continue;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
      continue;
    } else {
      return "";
    }
  }
  return (d.size() >= 10 && d.size() <= 15) ? d : "";
}

// The key phones are matched by: the last 10 digits (the Indian national number; for other
// countries a heuristic, hence the lower confidence of reference links).
std::string PhoneKey(std::string_view digits) {
  return digits.size() >= 10 ? std::string(digits.substr(digits.size() - 10)) : "";
}

Status InsertLink(store::Case& c, store::Statement& person, store::Statement& account,
                  store::Statement& link, const Link& l, std::string_view phone,
                  std::string_view email) {
  CAIRN_RETURN_IF_ERROR(person.BindText(1, l.person_id));
  CAIRN_RETURN_IF_ERROR(person.BindText(2, phone));
  CAIRN_RETURN_IF_ERROR(person.BindText(3, email));
  CAIRN_RETURN_IF_ERROR(person.Run());
  CAIRN_RETURN_IF_ERROR(account.BindText(1, l.account));
  CAIRN_RETURN_IF_ERROR(account.Run());
  CAIRN_RETURN_IF_ERROR(link.BindText(1, l.account));
  CAIRN_RETURN_IF_ERROR(link.BindText(2, l.person_id));
  CAIRN_RETURN_IF_ERROR(link.BindText(3, l.reason));
  CAIRN_RETURN_IF_ERROR(link.BindDouble(4, l.confidence));
  CAIRN_RETURN_IF_ERROR(link.BindText(5, l.source));
  (void)c;
  return link.Run();
}

struct LinkWriter {
  store::Statement person, account, link, changes;
  static Result<LinkWriter> Make(store::Database& db) {
    CAIRN_ASSIGN_OR_RETURN(store::Statement p, db.Prepare(
        "INSERT OR IGNORE INTO people(person_id, phone_e164, email) VALUES(?,?,?)"));
    CAIRN_ASSIGN_OR_RETURN(store::Statement a, db.Prepare(
        "INSERT OR IGNORE INTO trail_accounts(name) VALUES(?)"));
    CAIRN_ASSIGN_OR_RETURN(store::Statement l, db.Prepare(
        "INSERT OR IGNORE INTO trail_links(account_id, person_id, reason, confidence, source) "
        "SELECT account_id, ?2, ?3, ?4, ?5 FROM trail_accounts WHERE name = ?1"));
    CAIRN_ASSIGN_OR_RETURN(store::Statement ch, db.Prepare("SELECT changes()"));
    return LinkWriter{std::move(p), std::move(a), std::move(l), std::move(ch)};
  }
  // True when the link was new.
  Result<bool> Add(store::Case& c, const Link& l) {
    std::string phone, email;
    if (l.person_id.rfind("tel:", 0) == 0) phone = l.person_id.substr(4);
    if (l.person_id.rfind("email:", 0) == 0) email = l.person_id.substr(6);
    CAIRN_RETURN_IF_ERROR(InsertLink(c, person, account, link, l, phone, email));
    CAIRN_ASSIGN_OR_RETURN(bool row, changes.Step());
    const bool added = row && changes.ColumnInt(0) > 0;
    changes.Reset();
    return added;
  }
};

}  // namespace

std::string NormalizePersonId(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.rfind("tel:", 0) == 0 || t.rfind("id:", 0) == 0) return std::string(t);
  if (t.rfind("email:", 0) == 0) return "email:" + Lower(t.substr(6));
  if (t.find('@') != std::string_view::npos && t.find('.', t.find('@')) != std::string_view::npos) {
    return "email:" + Lower(t);
  }
  if (std::string d = PhoneDigits(t); !d.empty() && (t.front() == '+' || d.size() > 10)) {
    return "tel:+" + d;
  }
  return "id:" + std::string(t);
}

Result<LinkReport> LinkFromFile(store::Case& c, const std::filesystem::path& path) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  auto bytes_or = ReadWholeFile(path, uint64_t{1} << 30);
  if (!bytes_or.ok()) return bytes_or.status().WithContext(path.string());
  std::string_view text(reinterpret_cast<const char*>(bytes_or->data()), bytes_or->size());
  LinkReport report;
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(c.db()));
  CAIRN_ASSIGN_OR_RETURN(LinkWriter w, LinkWriter::Make(c.db()));
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (Trim(line).empty() || Trim(line).front() == '#') continue;
    const char sep = line.find('\t') != std::string_view::npos ? '\t' : (line.find(';') != std::string_view::npos && line.find(',') == std::string_view::npos ? ';' : ',');
    std::vector<std::string_view> f;
    size_t s = 0;
    while (true) {
      size_t e = line.find(sep, s);
      f.push_back(Trim(line.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s)));
      if (e == std::string_view::npos) break;
      s = e + 1;
    }
    if (line_no == 1 && Lower(f[0]) == "account") continue;
    if (f.size() < 2 || f[0].empty() || f[1].empty()) {
      report.bad_rows.push_back({line_no, "expected account,person[,reason]"});
      continue;
    }
    Link l;
    l.account = std::string(f[0]);
    l.person_id = NormalizePersonId(f[1]);
    l.reason = f.size() > 2 && !f[2].empty() ? std::string(f[2]) : "mapping file";
    l.confidence = 1.0;
    l.source = path.string();
    auto added = w.Add(c, l);
    if (!added.ok()) return added.status().WithContext(path.string() + ":" + std::to_string(line_no));
    if (*added) report.added.push_back(std::move(l));
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("trail.link", "{\"path\":" + JsonQuote(path.string()) + ",\"links\":" +
                                                        std::to_string(report.added.size()) + "}"));
  CAIRN_RETURN_IF_ERROR(txn.Commit());
  return report;
}

Result<LinkReport> AutoLink(store::Case& c) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  store::Database& db = c.db();
  std::unordered_map<std::string, std::vector<std::string>> by_phone, by_email;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT person_id, phone_e164, email FROM people"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      std::string id(q.ColumnText(0));
      std::string phone = PhoneDigits(q.ColumnText(1));
      if (phone.empty() && id.rfind("tel:", 0) == 0) phone = PhoneDigits(id.substr(4));
      if (!phone.empty()) by_phone[PhoneKey(phone)].push_back(id);
      std::string email = Lower(q.ColumnText(2));
      if (email.empty() && id.rfind("email:", 0) == 0) email = id.substr(6);
      if (!email.empty()) by_email[email].push_back(id);
    }
  }
  std::vector<Link> found;
  auto add_all = [&](const std::vector<std::string>* people, std::string account, const char* reason,
                     double confidence) {
    if (people == nullptr) return;
    for (const std::string& p : *people) found.push_back({account, p, reason, confidence, "auto"});
  };
  auto find = [](auto& map, const std::string& key) -> const std::vector<std::string>* {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  };
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare("SELECT name FROM trail_accounts"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      std::string name(q.ColumnText(0));
      const size_t at = name.find('@');
      if (at != std::string::npos) {
        std::string user = name.substr(0, at);
        std::string d = PhoneDigits(user);
        if (!d.empty() && d.size() == user.size() && name.find('.', at) == std::string::npos) {
          add_all(find(by_phone, PhoneKey(d)), name, "upi_vpa_phone", 0.9);
        } else {
          add_all(find(by_email, Lower(name)), name, "account_is_email", 0.8);
        }
      } else if (std::string d = PhoneDigits(name); !d.empty()) {
        add_all(find(by_phone, PhoneKey(d)), name, "account_is_phone", 0.8);
      }
    }
  }
  {
    // References: the counterparty (the side that is not the statement holder) is linked.
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT t.reference, fa.name, ta.name, f.statement_account FROM trail_transactions t "
        "JOIN trail_accounts fa ON fa.account_id = t.from_account "
        "JOIN trail_accounts ta ON ta.account_id = t.to_account "
        "JOIN trail_files f ON f.file_id = t.file_id WHERE t.reference IS NOT NULL"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      std::string_view ref = q.ColumnText(0);
      std::string from(q.ColumnText(1)), to(q.ColumnText(2)), holder(q.ColumnText(3));
      std::vector<std::string> sides;
      if (holder.empty()) {
        sides = {from, to};
      } else {
        sides = {from == holder ? to : from};
      }
      // Digit runs of 10..15 (separators inside a number are not bridged).
      for (size_t i = 0; i < ref.size();) {
        if (!IsDigit(ref[i])) { ++i; continue; }
        size_t j = i;
        while (j < ref.size() && IsDigit(ref[j])) ++j;
        if (j - i >= 10 && j - i <= 15) {
          for (const std::string& s : sides) add_all(find(by_phone, PhoneKey(ref.substr(i, j - i))), s, "reference_phone", 0.6);
        }
        i = j;
      }
      // E-mail-looking tokens.
      for (size_t at = ref.find('@'); at != std::string_view::npos; at = ref.find('@', at + 1)) {
        auto is_mail = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' || ch == '+'; };
        size_t b = at, e = at + 1;
        while (b > 0 && is_mail(ref[b - 1])) --b;
        while (e < ref.size() && is_mail(ref[e])) ++e;
        std::string email = Lower(ref.substr(b, e - b));
        for (const std::string& s : sides) add_all(find(by_email, email), s, "reference_email", 0.6);
      }
    }
  }
  LinkReport report;
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(db));
  CAIRN_ASSIGN_OR_RETURN(LinkWriter w, LinkWriter::Make(db));
  for (Link& l : found) {
    CAIRN_ASSIGN_OR_RETURN(bool added, w.Add(c, l));
    if (added) report.added.push_back(std::move(l));
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("trail.autolink", "{\"links\":" + std::to_string(report.added.size()) + "}"));
  CAIRN_RETURN_IF_ERROR(txn.Commit());
  return report;
}

Result<LinkReport> ImportPeople(store::Case& c, const std::filesystem::path& path) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  auto bytes_or = ReadWholeFile(path, uint64_t{1} << 30);
  if (!bytes_or.ok()) return bytes_or.status().WithContext(path.string());
  std::string_view text(reinterpret_cast<const char*>(bytes_or->data()), bytes_or->size());
  LinkReport report;
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(c.db()));
  uint64_t line_no = 0;
  size_t pos = 0;
  size_t people = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (Trim(line).empty() || Trim(line).front() == '#') continue;
    std::vector<std::string_view> f;
    size_t s = 0;
    while (true) {
      size_t e = line.find(',', s);
      f.push_back(Trim(line.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s)));
      if (e == std::string_view::npos) break;
      s = e + 1;
    }
    if (line_no == 1 && (Lower(f[0]) == "person" || Lower(f[0]) == "person_id")) continue;
    if (f.empty() || f[0].empty()) {
      report.bad_rows.push_back({line_no, "expected person,display_name,phone_e164,email,flagged,flag_reason"});
      continue;
    }
    f.resize(std::max<size_t>(f.size(), 6));
    const std::string id = NormalizePersonId(f[0]);
    std::string phone(f[2]);
    if (phone.empty() && id.rfind("tel:", 0) == 0) phone = id.substr(4);
    std::string email = Lower(f[3]);
    if (email.empty() && id.rfind("email:", 0) == 0) email = id.substr(6);
    const std::string flag = Lower(f[4]);
    const bool flagged = flag == "1" || flag == "true" || flag == "yes";
    Status st = c.UpsertPerson(id, f[1], phone, email, flagged, f[5]);
    if (!st.ok()) return st.WithContext(path.string() + ":" + std::to_string(line_no));
    ++people;
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("trail.people", "{\"people\":" + std::to_string(people) + "}"));
  CAIRN_RETURN_IF_ERROR(txn.Commit());
  return report;
}

Result<std::vector<Link>> ListLinks(store::Case& c) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
      "SELECT a.name, l.person_id, l.reason, l.confidence, l.source FROM trail_links l "
      "JOIN trail_accounts a USING(account_id) ORDER BY a.name, l.person_id, l.reason"));
  std::vector<Link> out;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back({std::string(q.ColumnText(0)), std::string(q.ColumnText(1)),
                   std::string(q.ColumnText(2)), q.ColumnDouble(3), std::string(q.ColumnText(4))});
  }
  return out;
}

Result<std::map<std::string, std::string>> FlaggedAccounts(store::Case& c) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
      "SELECT name, person_id, flag_reason FROM trail_flagged_accounts ORDER BY name, person_id"));
  std::map<std::string, std::string> out;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    std::string& reason = out[std::string(q.ColumnText(0))];
    if (!reason.empty()) reason += "; ";
    reason += std::string(q.ColumnText(1)) + ": " + std::string(q.ColumnText(2));
  }
  return out;
}

Result<std::vector<uint32_t>> ResolveAccounts(store::Case& c, const LedgerGraph& graph,
                                              std::string_view text) {
  if (auto a = graph.FindAccount(text)) return std::vector<uint32_t>{*a};
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
      "SELECT DISTINCT a.name FROM trail_links l JOIN trail_accounts a USING(account_id) "
      "WHERE l.person_id = ? OR l.person_id = ? ORDER BY a.name"));
  CAIRN_RETURN_IF_ERROR(q.BindText(1, text));
  CAIRN_RETURN_IF_ERROR(q.BindText(2, NormalizePersonId(text)));
  std::vector<uint32_t> out;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (auto a = graph.FindAccount(q.ColumnText(0))) out.push_back(*a);
  }
  if (out.empty()) {
    return Status::NotFound(c.dir().string() + ": '" + std::string(text) +
                            "' is neither an account in the ledger nor a person linked to one");
  }
  return out;
}

}  // namespace cairn::trail
