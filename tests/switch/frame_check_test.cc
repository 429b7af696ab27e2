#include "switch/frame_check.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "test_frames.h"

namespace ptcp::sw {
namespace {

TEST(FrameCheck, AcceptsWhatTheWriterWrites) {
  for (auto type : {wire::PacketType::kData, wire::PacketType::kAck, wire::PacketType::kNack,
                    wire::PacketType::kCnp, wire::PacketType::kProbe}) {
    for (bool with_int : {false, true}) {
      const auto f = testing::make_frame({.src_node = 3, .dst_node = 9, .flow_id = 5,
                                          .type = type, .payload = 700, .with_int = with_int});
      FrameInfo info;
      ASSERT_EQ(check_frame(f, info), wire::ParseStatus::kOk);
      EXPECT_EQ(info.kind, wire::FrameKind::kTransport);
      EXPECT_EQ(info.type, type);
      EXPECT_EQ(info.src_ip, wire::node_ip(3));
      EXPECT_EQ(info.dst_ip, wire::node_ip(9));
      EXPECT_EQ(info.src_port, wire::flow_src_port(5));
      EXPECT_EQ(info.dst_port, wire::kUdpPort);
      EXPECT_EQ(info.proto, 17);
      EXPECT_EQ(info.has_int, with_int && wire::may_carry_int(type));
    }
  }
  std::array<std::uint8_t, wire::kPfcFrameLen> pfc{};
  wire::PfcPause p;
  p.class_enable = 1;
  p.quanta[0] = 0x1234;
  ASSERT_EQ(wire::write_pfc_pause(pfc, wire::node_mac(1), p), wire::kPfcFrameLen);
  FrameInfo info;
  ASSERT_EQ(check_frame(pfc, info), wire::ParseStatus::kOk);
  EXPECT_EQ(info.kind, wire::FrameKind::kPfcPause);
  EXPECT_EQ(info.pause.quanta[0], 0x1234);
}

TEST(FrameCheck, RejectsEveryTruncation) {
  const auto f = testing::make_frame({.src_node = 0, .dst_node = 1, .payload = 64});
  FrameInfo info;
  for (std::size_t n = 0; n < f.size(); ++n) {
    EXPECT_NE(check_frame({f.data(), n}, info), wire::ParseStatus::kOk) << n;
  }
}

// Malformed frames are counted and dropped by the switch; any bytes at all are safe.
TEST(FrameCheck, SwitchCountsMalformedAndSurvivesFuzz) {
  Switch s(testing::simple_config(2));
  s.add_route(wire::node_ip(1), {1});
  const auto good = testing::make_frame({.src_node = 0, .dst_node = 1, .payload = 200});
  std::mt19937_64 rng(5);
  std::uint64_t malformed = 0, enqueued = 0;
  std::vector<std::vector<std::uint8_t>> kept;  // enqueued frames must outlive the switch hold
  for (int i = 0; i < 20'000; ++i) {
    std::vector<std::uint8_t> f;
    switch (i % 3) {
      case 0:  // random bytes of random length
        f.resize(rng() % 1600);
        for (auto& b : f) b = static_cast<std::uint8_t>(rng());
        break;
      case 1:  // a good frame with a few bytes flipped in the headers
        f = good;
        for (int k = 0; k < 3; ++k) f[rng() % wire::kIntOffset] ^= static_cast<std::uint8_t>(rng() | 1);
        break;
      default:  // a good frame cut short or padded oddly
        f = good;
        f.resize(rng() % (good.size() + 40));
        break;
    }
    kept.push_back(std::move(f));
    const RxResult r = s.receive(i, 0, kept.back(), kept.size() - 1);
    malformed += r == RxResult::kMalformed;
    enqueued += r == RxResult::kEnqueued;
    while (s.dequeue(1, 1'000'000'000'000)) {
    }
  }
  std::printf("fuzz: 20000 frames, %llu malformed, %llu enqueued\n",
              static_cast<unsigned long long>(malformed), static_cast<unsigned long long>(enqueued));
  EXPECT_EQ(s.counters().malformed, malformed);
  EXPECT_GT(malformed, 15'000u);
  // An out-of-range ingress port is the backend's bug: counted, never a crash.
  auto f = good;
  EXPECT_EQ(s.receive(0, 9, f, 0), RxResult::kMalformed);
  EXPECT_EQ(s.counters().malformed, malformed + 1);
}

TEST(FrameCheck, ChecksumsVerifiedOnlyWhenAsked) {
  auto corrupt = testing::make_frame({.src_node = 0, .dst_node = 1, .payload = 200});
  corrupt[corrupt.size() - 1] ^= 0xff;  // payload byte: only the transport checksum sees it
  SwitchConfig cfg = testing::simple_config(2);
  Switch fast(cfg);
  fast.add_route(wire::node_ip(1), {1});
  auto a = corrupt;
  EXPECT_EQ(fast.receive(0, 0, a, 0), RxResult::kEnqueued);
  cfg.verify_checksums = true;
  Switch strict(cfg);
  strict.add_route(wire::node_ip(1), {1});
  auto b = corrupt;
  EXPECT_EQ(strict.receive(0, 0, b, 0), RxResult::kMalformed);
  EXPECT_EQ(strict.counters().malformed, 1u);
}

}  // namespace
}  // namespace ptcp::sw
