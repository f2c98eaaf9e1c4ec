#include "http_response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace bench {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

std::string HttpResponseParser::header(std::string_view name) const {
  for (const auto& [key, value] : headers_)
    if (iequals(key, name))
      return value;
  return {};
}

void HttpResponseParser::reset() {
  state_ = State::kHead;
  line_.clear();
  status_ = 0;
  headers_.clear();
  body_.clear();
  remaining_ = 0;
}

void HttpResponseParser::emit(std::string_view piece) {
  if (piece.empty())
    return;
  if (sink_)
    sink_(piece);
  else
    body_.append(piece);
}

void HttpResponseParser::parse_head(std::string_view head) {
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12)
    throw std::runtime_error("bad HTTP status line: " + std::string(status_line.substr(0, 80)));
  status_ = std::stoi(std::string(status_line.substr(9, 3)));
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string_view::npos)
      end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos)
      headers_.emplace_back(std::string(trim(line.substr(0, colon))),
                            std::string(trim(line.substr(colon + 1))));
    pos = end + 2;
  }
  std::string encoding = header("Transfer-Encoding");
  std::string length = header("Content-Length");
  if (!encoding.empty() && encoding.find("chunked") != std::string::npos) {
    state_ = State::kChunkSize;
  } else if (!length.empty()) {
    remaining_ = std::stoull(length);
    state_ = remaining_ == 0 ? State::kDone : State::kFixedBody;
  } else if (status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200)) {
    state_ = State::kDone;
  } else {
    state_ = State::kUntilClose;
  }
}

std::size_t HttpResponseParser::feed(const char* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size && state_ != State::kDone) {
    std::string_view rest(data + used, size - used);
    switch (state_) {
      case State::kHead: {
        // Search the joined text for the blank line that ends the head.
        std::size_t before = line_.size();
        line_.append(rest);
        auto end = line_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
        if (end == std::string::npos) {
          if (line_.size() > 64 * 1024)
            throw std::runtime_error("HTTP head larger than 64 KiB");
          used = size;
          break;
        }
        std::size_t head_bytes = end + 4;
        used += head_bytes - before;
        std::string head = line_.substr(0, end);
        line_.clear();
        parse_head(head);
        break;
      }
      case State::kFixedBody: {
        std::size_t take = std::min(remaining_, rest.size());
        emit(rest.substr(0, take));
        used += take;
        remaining_ -= take;
        if (remaining_ == 0)
          state_ = State::kDone;
        break;
      }
      case State::kChunkSize:
      case State::kChunkEnd:
      case State::kTrailers: {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos) {
          line_.append(rest);
          used = size;
          if (line_.size() > 4096)
            throw std::runtime_error("chunk line longer than 4 KiB");
          break;
        }
        line_.append(rest.substr(0, nl + 1));
        used += nl + 1;
        std::string line = std::move(line_);
        line_.clear();
        std::string_view text = trim(std::string_view(line).substr(0, line.size() - 1));
        if (state_ == State::kChunkEnd) {
          if (!text.empty())
            throw std::runtime_error("missing CRLF after chunk data");
          state_ = State::kChunkSize;
        } else if (state_ == State::kTrailers) {
          if (text.empty())
            state_ = State::kDone;
        } else {
          if (text.empty())
            throw std::runtime_error("empty chunk size line");
          std::size_t chunk = std::stoull(std::string(text), nullptr, 16);
          if (chunk == 0) {
            state_ = State::kTrailers;
          } else {
            remaining_ = chunk;
            state_ = State::kChunkData;
          }
        }
        break;
      }
      case State::kChunkData: {
        std::size_t take = std::min(remaining_, rest.size());
        emit(rest.substr(0, take));
        used += take;
        remaining_ -= take;
        if (remaining_ == 0)
          state_ = State::kChunkEnd;
        break;
      }
      case State::kUntilClose:
        emit(rest);
        used = size;
        break;
      case State::kDone:
        break;
    }
  }
  return used;
}

void HttpResponseParser::finish_on_eof() {
  if (state_ == State::kUntilClose) {
    state_ = State::kDone;
    return;
  }
  if (state_ != State::kDone)
    throw std::runtime_error("connection closed in the middle of a response");
}

}  // namespace bench
