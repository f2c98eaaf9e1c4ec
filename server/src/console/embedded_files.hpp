#pragma once

#include <string_view>
#include <vector>

namespace bmcp::console {

// One file of server/src/console/assets, compiled into the binary.
struct EmbeddedFile {
  std::string_view name;   // its name in the assets directory, e.g. "console.js"
  std::string_view bytes;  // its contents
};

// Every asset file; defined in the file CMake generates (cmake/EmbedFiles.cmake).
const std::vector<EmbeddedFile>& embedded_files();

}  // namespace bmcp::console
