#include "cairn/core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(DigestTest, KnownVectors) {
  const FileDigests abc = DigestBytes(Bytes("abc"));
  EXPECT_EQ(abc.md5.ToHex(), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(abc.sha1.ToHex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(abc.sha256.ToHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const FileDigests empty = DigestBytes({});
  EXPECT_EQ(empty.md5.ToHex(), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(DigestTest, StreamingEqualsOneShotAndResets) {
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 + 7);
  const FileDigests whole = DigestBytes(Bytes(data));
  MultiDigester d;
  for (size_t off = 0; off < data.size(); off += 4093) {
    d.Update(Bytes(std::string_view(data).substr(off, 4093)));
  }
  const FileDigests streamed = d.Finish();
  EXPECT_EQ(streamed.md5, whole.md5);
  EXPECT_EQ(streamed.sha1, whole.sha1);
  EXPECT_EQ(streamed.sha256, whole.sha256);
  d.Update(Bytes("abc"));
  EXPECT_EQ(d.Finish().md5.ToHex(), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(DigestTest, Sha256AloneMatchesMultiDigester) {
  Sha256Digester d;
  d.Update(Bytes("a"));
  d.Update(Bytes("bc"));
  EXPECT_EQ(d.Finish(), DigestBytes(Bytes("abc")).sha256);
  EXPECT_EQ(Sha256Of(Bytes("abc")), DigestBytes(Bytes("abc")).sha256);
  EXPECT_EQ(d.Finish(), Sha256Of({}));  // Finish starts a new, empty stream
}

TEST(DigestTest, HexParsing) {
  EXPECT_TRUE(Md5::FromHex("900150983CD24FB0D6963F7D28E17F72").has_value());
  EXPECT_FALSE(Md5::FromHex("900150983cd24fb0d6963f7d28e17f7").has_value());
  EXPECT_FALSE(Md5::FromHex("900150983cd24fb0d6963f7d28e17f7g").has_value());
  EXPECT_FALSE(Sha1::FromHex("").has_value());
}

TEST(Hash256Test, BitOrderFollowsReferenceHex) {
  // Bit 0 is the lowest bit of word 0, printed last; bit 255 the highest of word 15, printed first.
  Hash256 h;
  h.SetBit(0);
  EXPECT_EQ(h.ToHex(), std::string(63, '0') + "1");
  Hash256 g;
  g.SetBit(255);
  EXPECT_EQ(g.ToHex(), "8" + std::string(63, '0'));
  Hash256 w;
  w.SetBit(16 + 9);  // word 1, bit 9: second word from the end, value 0x0200
  EXPECT_EQ(w.ToHex(), std::string(56, '0') + "0200" + "0000");
  for (int k = 0; k < 256; ++k) {
    Hash256 one;
    one.SetBit(k);
    for (int j = 0; j < 256; ++j) EXPECT_EQ(one.Bit(j), j == k);
  }
  EXPECT_EQ(HammingDistance(h, g), 2);
  EXPECT_TRUE(Hash256().IsZero());
}

}  // namespace
}  // namespace cairn
