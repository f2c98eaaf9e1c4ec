#include "host/process_usage.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <vector>

namespace bmcp::host {
namespace {

TEST(ProcessUsage, ResidentMemoryIsSomeMegabytes) {
  const auto bytes = resident_memory_bytes();
  ASSERT_TRUE(bytes);
  EXPECT_GT(*bytes, 1u << 20);
  EXPECT_LT(*bytes, std::uint64_t{64} << 30);
}

TEST(ProcessUsage, OpenDescriptorsFollowWhatThisProcessOpens) {
  const auto before = open_descriptors();
  ASSERT_TRUE(before);
  EXPECT_GE(*before, 3u);  // stdin, stdout, stderr at least
  std::vector<int> opened;
  for (int i = 0; i < 5; ++i)
    opened.push_back(::open("/dev/null", O_RDONLY));
  EXPECT_EQ(open_descriptors(), *before + 5);
  for (const int fd : opened)
    ::close(fd);
  EXPECT_EQ(open_descriptors(), *before);
}

TEST(ProcessUsage, ReadsAnotherProcDirectoryAndSaysWhenItCannot) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bmcp-proc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "fd");
  std::ofstream(dir / "statm") << "1000 25 3 4 0 5 0\n";
  for (const char* name : {"0", "1", "2", "7"})
    std::ofstream(dir / "fd" / name) << "";
  EXPECT_EQ(resident_memory_bytes(dir), 25u * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(open_descriptors(dir), 4u);
  std::ofstream(dir / "statm") << "garbage\n";
  EXPECT_EQ(resident_memory_bytes(dir), std::nullopt);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(open_descriptors(dir), std::nullopt);
  EXPECT_EQ(resident_memory_bytes(dir), std::nullopt);
}

}  // namespace
}  // namespace bmcp::host
