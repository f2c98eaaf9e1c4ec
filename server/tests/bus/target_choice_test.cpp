#include "bus/target_choice.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

using Candidates = std::vector<Candidate>;

TEST(ChooseTarget, TheOnlyOnlineCandidateIsPicked) {
  EXPECT_EQ(*choose_target(Candidates{{"b1", true}, {"b2", false}}, ""), "b1");
}

TEST(ChooseTarget, NoOnlineCandidateIsNoClient) {
  EXPECT_EQ(choose_target(Candidates{{"b1", false}}, "").error().kind,
            TargetError::Kind::kNoClient);
  EXPECT_EQ(choose_target({}, "").error().kind, TargetError::Kind::kNoClient);
}

TEST(ChooseTarget, SeveralOnlineCandidatesAreAmbiguousAndListedSorted) {
  const auto error = choose_target(Candidates{{"b2", true}, {"b1", true}}, "").error();
  EXPECT_EQ(error.kind, TargetError::Kind::kAmbiguous);
  EXPECT_EQ(error.candidates, (std::vector<std::string>{"b1", "b2"}));
}

TEST(ChooseTarget, ARequestedUuidMustBeAnOnlineCandidate) {
  const Candidates candidates{{"b1", true}, {"b2", false}};
  EXPECT_EQ(*choose_target(candidates, "b1"), "b1");
  EXPECT_EQ(choose_target(candidates, "b2").error().kind, TargetError::Kind::kOffline);
  EXPECT_EQ(choose_target(candidates, "nope").error().kind, TargetError::Kind::kUnknown);
}

}  // namespace
}  // namespace bmcp::bus
