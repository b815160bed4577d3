#include "devices/nic/nic_options.h"

#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

TEST(NicOptionsTest, ModelsAndMacs) {
  const struct {
    const char* text;
    int index;
    NicModel model;
    uint8_t last;
  } cases[] = {{"user,model=ne2k_pci", 0, NicModel::kNe2kPci, 0x56},
               {"model=rtl8139", 1, NicModel::kRtl8139, 0x57},
               {"model=ne2k_isa,mac=02:00:00:00:00:2a", 0, NicModel::kNe2kIsa, 0x2a}};
  for (const auto& c : cases) {
    absl::StatusOr<NicOptions> options = ParseNicOptions(c.text, c.index);
    ASSERT_TRUE(options.ok()) << options.status();
    EXPECT_EQ(options->model, c.model) << c.text;
    EXPECT_EQ(options->mac[5], c.last) << c.text;
  }
}

TEST(NicOptionsTest, ErrorsNameTheProblem) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {{"model=e1000", "unknown model 'e1000'"},
               {"user", "no model="},
               {"model=ne2k_pci,mac=zz:00:00:00:00:00", "not six hex bytes"},
               {"user,model=ne2k_pci,bogus", "is not KEY=VALUE"}};
  for (const auto& c : cases) {
    absl::StatusOr<NicOptions> options = ParseNicOptions(c.text, 0);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(options.status().message().find(c.message), absl::string_view::npos)
        << options.status();
  }
}

}  // namespace
}  // namespace portrace::devices
