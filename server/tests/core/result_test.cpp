#include "core/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bmcp {
namespace {

Result<int> half_of(int n) {
  if (n % 2 != 0)
    return Unexpected{make_error(ErrorCode::kInvalidArgument, "odd")};
  return n / 2;
}

TEST(Result, HoldsTheValueOnSuccess) {
  auto result = half_of(8);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 4);
}

TEST(Result, HoldsTheErrorOnFailure) {
  auto result = half_of(3);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST(Result, VoidResultIsOkByDefaultAndCarriesAnErrorOtherwise) {
  Status fine;
  EXPECT_TRUE(fine.ok());
  Status broken = Unexpected{make_error(ErrorCode::kIo, "disk")};
  EXPECT_EQ(broken.error().code, ErrorCode::kIo);
}

TEST(Result, SupportsCustomErrorTypes) {
  enum class Why { kTooBig };
  Result<std::string, Why> result = Unexpected{Why::kTooBig};
  EXPECT_EQ(result.error(), Why::kTooBig);
}

}  // namespace
}  // namespace bmcp
