#include "host/descriptor_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace bmcp::host {
namespace {

// Lowers this process's soft RLIMIT_NOFILE for one test and puts it back.
class LoweredSoftLimit {
 public:
  explicit LoweredSoftLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~LoweredSoftLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

TEST(OpenFilesLimit, IsTheSoftLimit) {
  const LoweredSoftLimit lowered(200);
  ASSERT_TRUE(lowered.ok());
  EXPECT_EQ(open_files_limit(), 200u);
}

}  // namespace
}  // namespace bmcp::host
