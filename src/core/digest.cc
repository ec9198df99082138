#include "cairn/core/digest.h"

#include <openssl/evp.h>

namespace cairn {

struct MultiDigester::Impl {
  EVP_MD_CTX* md5 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha1 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha256 = EVP_MD_CTX_new();

  Impl() {
    CAIRN_ASSERT(md5 && sha1 && sha256);
    Reset();
  }
  ~Impl() {
    EVP_MD_CTX_free(md5);
    EVP_MD_CTX_free(sha1);
    EVP_MD_CTX_free(sha256);
  }
  void Reset() {
    CAIRN_ASSERT(EVP_DigestInit_ex(md5, EVP_md5(), nullptr) == 1);
    CAIRN_ASSERT(EVP_DigestInit_ex(sha1, EVP_sha1(), nullptr) == 1);
    CAIRN_ASSERT(EVP_DigestInit_ex(sha256, EVP_sha256(), nullptr) == 1);
  }
};

MultiDigester::MultiDigester() : impl_(std::make_unique<Impl>()) {}
MultiDigester::~MultiDigester() = default;

void MultiDigester::Update(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  CAIRN_ASSERT(EVP_DigestUpdate(impl_->md5, bytes.data(), bytes.size()) == 1);
  CAIRN_ASSERT(EVP_DigestUpdate(impl_->sha1, bytes.data(), bytes.size()) == 1);
  CAIRN_ASSERT(EVP_DigestUpdate(impl_->sha256, bytes.data(), bytes.size()) == 1);
}

FileDigests MultiDigester::Finish() {
  FileDigests out;
  unsigned int len = 0;
  CAIRN_ASSERT(EVP_DigestFinal_ex(impl_->md5, out.md5.bytes.data(), &len) == 1 && len == 16);
  CAIRN_ASSERT(EVP_DigestFinal_ex(impl_->sha1, out.sha1.bytes.data(), &len) == 1 && len == 20);
  CAIRN_ASSERT(EVP_DigestFinal_ex(impl_->sha256, out.sha256.bytes.data(), &len) == 1 && len == 32);
  impl_->Reset();
  return out;
}

FileDigests DigestBytes(std::span<const uint8_t> bytes) {
  MultiDigester d;
  d.Update(bytes);
  return d.Finish();
}

struct Sha256Digester::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Impl() {
    CAIRN_ASSERT(ctx != nullptr);
    CAIRN_ASSERT(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1);
  }
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Digester::Sha256Digester() : impl_(std::make_unique<Impl>()) {}
Sha256Digester::~Sha256Digester() = default;

void Sha256Digester::Update(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  CAIRN_ASSERT(EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) == 1);
}

Sha256 Sha256Digester::Finish() {
  Sha256 out;
  unsigned int len = 0;
  CAIRN_ASSERT(EVP_DigestFinal_ex(impl_->ctx, out.bytes.data(), &len) == 1 && len == 32);
  CAIRN_ASSERT(EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1);
  return out;
}

Sha256 Sha256Of(std::span<const uint8_t> bytes) {
  Sha256Digester d;
  d.Update(bytes);
  return d.Finish();
}

}  // namespace cairn
