#pragma once

namespace bmcp::host {

// The operating system whose conventions (Blender install locations, the user's Blender
// configuration directory) apply. A value rather than #ifdefs so that every OS's rules are
// compiled and tested on any machine.
enum class HostOs { kLinux, kMacOs, kWindows };

constexpr HostOs current_host_os() {
#if defined(_WIN32)
  return HostOs::kWindows;
#elif defined(__APPLE__)
  return HostOs::kMacOs;
#else
  return HostOs::kLinux;
#endif
}

}  // namespace bmcp::host
