#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace bmcp::app {
namespace {

class LoadConfigTest : public ::testing::Test {
 protected:
  EnvLookup env() {
    return [this](const char* name) -> std::optional<std::string> {
      auto found = env_.find(name);
      if (found == env_.end())
        return std::nullopt;
      return found->second;
    };
  }
  std::string write_toml(const std::string& text) {
    const auto path =
        std::filesystem::temp_directory_path() /
        ("bmcp-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
    std::ofstream(path) << text;
    files_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& file : files_)
      std::filesystem::remove(file);
  }
  std::map<std::string, std::string> env_;
  std::vector<std::filesystem::path> files_;
};

TEST_F(LoadConfigTest, DefaultsMatchTheContract) {
  auto config = load_config({}, env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 8000);
  EXPECT_EQ(config->access_token_expire_minutes, 30);
  EXPECT_EQ(config->refresh_token_expire_days, 7);
  EXPECT_EQ(config->session_idle_seconds, 300);
}

TEST_F(LoadConfigTest, FlagsBeatEnvironmentWhichBeatsTheFile) {
  ServeFlags flags;
  flags.config_file = write_toml("port = 9001\nhost = \"127.0.0.2\"\nsession_idle_seconds = 5\n");
  env_["BLENDER_MCP_PORT"] = "9002";
  auto from_env = load_config(flags, env());
  ASSERT_TRUE(from_env.ok()) << from_env.error();
  EXPECT_EQ(from_env->port, 9002);
  EXPECT_EQ(from_env->host, "127.0.0.2");
  EXPECT_EQ(from_env->session_idle_seconds, 5);
  flags.port = 9003;
  EXPECT_EQ(load_config(flags, env())->port, 9003);
}

TEST_F(LoadConfigTest, InvalidNumbersAreRefusedNamingTheVariableAndValue) {
  for (const char* value : {"abc", "0", "-5", "12x"}) {
    env_["ACCESS_TOKEN_EXPIRE_MINUTES"] = value;
    auto config = load_config({}, env());
    ASSERT_FALSE(config.ok()) << value;
    EXPECT_NE(config.error().find("ACCESS_TOKEN_EXPIRE_MINUTES"), std::string::npos);
    EXPECT_NE(config.error().find(value), std::string::npos);
  }
}

TEST_F(LoadConfigTest, EveryNumericContractVariableIsValidated) {
  for (const char* name : {"BLENDER_MCP_PORT", "REFRESH_TOKEN_EXPIRE_DAYS",
                           "BLENDER_MCP_SESSION_IDLE_SECONDS", "BLENDER_MCP_STREAM_GRACE_SECONDS",
                           "BLENDER_MCP_OFFLINE_HOLD_MESSAGES", "BLENDER_MCP_OFFLINE_HOLD_SECONDS",
                           "BLENDER_MCP_JOB_RETENTION_SECONDS", "BLENDER_MCP_MAX_RETAINED_JOBS"}) {
    env_.clear();
    env_[name] = "soon";
    auto config = load_config({}, env());
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_NE(config.error().find(name), std::string::npos);
  }
}

TEST_F(LoadConfigTest, ByteBoundsAreReadAndValidated) {
  for (const char* name : {"BLENDER_MCP_MAX_RECORD_BYTES", "BLENDER_MCP_USER_BUFFER_BYTES",
                           "BLENDER_MCP_OFFLINE_HOLD_BYTES", "BLENDER_MCP_SESSION_QUEUE_BYTES",
                           "BLENDER_MCP_SESSION_REPLAY_BYTES", "BLENDER_MCP_STREAM_BUFFER_BYTES"}) {
    env_.clear();
    env_[name] = "lots";
    auto config = load_config({}, env());
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_NE(config.error().find(name), std::string::npos);
  }
  env_.clear();
  env_["BLENDER_MCP_MAX_RECORD_BYTES"] = "1048576";
  env_["BLENDER_MCP_STREAM_BUFFER_BYTES"] = "2097152";
  env_["BLENDER_MCP_MAX_IMAGE_BYTES"] = "65536";
  auto config = load_config({}, env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->max_record_bytes, 1048576);
  EXPECT_EQ(config->stream_buffer_bytes, 2097152);
}

TEST_F(LoadConfigTest, TheKeepaliveIntervalComesFromTheEnvironmentAndIsValidated) {
  EXPECT_EQ(load_config({}, env())->keepalive_seconds, 15);
  env_["BLENDER_MCP_KEEPALIVE_SECONDS"] = "2";
  EXPECT_EQ(load_config({}, env())->keepalive_seconds, 2);
  for (const char* value : {"0", "-1", "soon", "3601"}) {
    env_["BLENDER_MCP_KEEPALIVE_SECONDS"] = value;
    auto config = load_config({}, env());
    ASSERT_FALSE(config.ok()) << value;
    EXPECT_NE(config.error().find("BLENDER_MCP_KEEPALIVE_SECONDS"), std::string::npos);
  }
}

TEST_F(LoadConfigTest, EveryHolderMustTakeOneRecordOfTheLargestSize) {
  for (const char* name : {"BLENDER_MCP_USER_BUFFER_BYTES", "BLENDER_MCP_OFFLINE_HOLD_BYTES",
                           "BLENDER_MCP_SESSION_QUEUE_BYTES", "BLENDER_MCP_STREAM_BUFFER_BYTES"}) {
    env_.clear();
    env_[name] = "1000";
    env_["BLENDER_MCP_MAX_RECORD_BYTES"] = "1001";
    auto config = load_config({}, env());
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_NE(config.error().find(name), std::string::npos);
    EXPECT_NE(config.error().find("BLENDER_MCP_MAX_RECORD_BYTES"), std::string::npos);
  }
}

TEST_F(LoadConfigTest, TheImageBoundComesFromTheEnvironmentOrTheFlag) {
  EXPECT_EQ(load_config({}, env())->max_image_bytes, 4194304);
  env_["BLENDER_MCP_MAX_IMAGE_BYTES"] = "1048576";
  EXPECT_EQ(load_config({}, env())->max_image_bytes, 1048576);
  ServeFlags flags;
  flags.max_image_bytes = 2097152;
  EXPECT_EQ(load_config(flags, env())->max_image_bytes, 2097152);
  flags.max_image_bytes = 0;
  auto zero = load_config(flags, env());
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error(), "--max-image-bytes must be greater than 0, got '0'");
  env_["BLENDER_MCP_MAX_IMAGE_BYTES"] = "many";
  auto words = load_config({}, env());
  ASSERT_FALSE(words.ok());
  EXPECT_NE(words.error().find("BLENDER_MCP_MAX_IMAGE_BYTES"), std::string::npos);
}

TEST_F(LoadConfigTest, TheImagesOfOneReplyMustFitAStreamBufferAndARequestBody) {
  env_["BLENDER_MCP_STREAM_BUFFER_BYTES"] = "4194304";
  auto small_buffer = load_config({}, env());
  ASSERT_FALSE(small_buffer.ok());
  EXPECT_EQ(small_buffer.error(),
            "BLENDER_MCP_MAX_IMAGE_BYTES (4194304) is too large for "
            "BLENDER_MCP_STREAM_BUFFER_BYTES (4194304): the images of one reply, base64-encoded "
            "with 65536 bytes for the rest of it, take 5657944 bytes");
  env_["BLENDER_MCP_STREAM_BUFFER_BYTES"] = "67108864";
  env_["BLENDER_MCP_MAX_IMAGE_BYTES"] = "12582912";  // 16 MiB of base64
  auto over_body = load_config({}, env());
  ASSERT_FALSE(over_body.ok());
  EXPECT_NE(over_body.error().find("more than one request body may hold (16777216 bytes)"),
            std::string::npos)
      << over_body.error();
  env_["BLENDER_MCP_MAX_IMAGE_BYTES"] = "12000000";
  EXPECT_TRUE(load_config({}, env()).ok());
}

TEST_F(LoadConfigTest, EmptyEnvironmentValuesCountAsUnset) {
  env_["BLENDER_MCP_PORT"] = "";
  env_["OAUTH_SECRET_KEY"] = "";
  env_["JWT_SECRET"] = "fallback";
  auto config = load_config({}, env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->port, 8000);
  EXPECT_EQ(config->signing_key, "fallback");
}

TEST_F(LoadConfigTest, OauthSecretKeyWinsOverJwtSecret) {
  env_["OAUTH_SECRET_KEY"] = "primary";
  env_["JWT_SECRET"] = "alias";
  EXPECT_EQ(load_config({}, env())->signing_key, "primary");
}

TEST_F(LoadConfigTest, UnknownTomlKeysAndWrongTypesAreRefused) {
  ServeFlags flags;
  flags.config_file = write_toml("colour = \"blue\"\n");
  auto unknown = load_config(flags, env());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("colour"), std::string::npos);
  flags.config_file = write_toml("port = \"eighty\"\n");
  auto wrong = load_config(flags, env());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().find("port"), std::string::npos);
}

TEST_F(LoadConfigTest, AllowedOriginsComeFromACommaSeparatedList) {
  env_["BLENDER_MCP_ALLOWED_ORIGINS"] = "https://a.example, https://b.example";
  auto config = load_config({}, env());
  EXPECT_EQ(config->allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(LoadConfigTest, MaxConnectionsIsUnsetByDefaultAndComesFromFileEnvironmentOrFlag) {
  EXPECT_EQ(load_config({}, env())->max_connections, std::nullopt);
  ServeFlags flags;
  flags.config_file = write_toml("max_connections = 100\n");
  EXPECT_EQ(load_config(flags, env())->max_connections, 100);
  env_["BLENDER_MCP_MAX_CONNECTIONS"] = "200";
  EXPECT_EQ(load_config(flags, env())->max_connections, 200);
  flags.max_connections = 300;
  EXPECT_EQ(load_config(flags, env())->max_connections, 300);
}

TEST_F(LoadConfigTest, MaxConnectionsMustBePositive) {
  ServeFlags flags;
  flags.max_connections = 0;
  auto from_flag = load_config(flags, env());
  ASSERT_FALSE(from_flag.ok());
  EXPECT_EQ(from_flag.error(), "--max-connections must be greater than 0, got '0'");
  env_["BLENDER_MCP_MAX_CONNECTIONS"] = "-3";
  auto from_env = load_config({}, env());
  ASSERT_FALSE(from_env.ok());
  EXPECT_EQ(from_env.error(), "BLENDER_MCP_MAX_CONNECTIONS must be greater than 0, got '-3'");
  env_.clear();
  flags = {};
  flags.config_file = write_toml("max_connections = \"many\"\n");
  auto from_file = load_config(flags, env());
  ASSERT_FALSE(from_file.ok());
  EXPECT_NE(from_file.error().find("'max_connections' must be a positive integer"),
            std::string::npos);
}

TEST_F(LoadConfigTest, BusyPollIsOffByDefaultAndComesFromFileEnvironmentOrFlag) {
  EXPECT_EQ(load_config({}, env())->busy_poll_us, 0);
  ServeFlags flags;
  flags.config_file = write_toml("busy_poll_us = 100\n");
  EXPECT_EQ(load_config(flags, env())->busy_poll_us, 100);
  env_["BLENDER_MCP_BUSY_POLL_US"] = "200";
  EXPECT_EQ(load_config(flags, env())->busy_poll_us, 200);
  flags.busy_poll_us = 0;
  EXPECT_EQ(load_config(flags, env())->busy_poll_us, 0);
}

TEST_F(LoadConfigTest, BusyPollOutsideItsRangeIsRefusedNamingTheSetting) {
  ServeFlags flags;
  flags.busy_poll_us = 10'001;
  auto from_flag = load_config(flags, env());
  ASSERT_FALSE(from_flag.ok());
  EXPECT_EQ(from_flag.error(),
            "--busy-poll-us must be between 0 and 10000 (microseconds), got '10001'");
  flags.busy_poll_us = -1;
  EXPECT_FALSE(load_config(flags, env()).ok());
  env_["BLENDER_MCP_BUSY_POLL_US"] = "50us";
  auto from_env = load_config({}, env());
  ASSERT_FALSE(from_env.ok());
  EXPECT_EQ(from_env.error(),
            "BLENDER_MCP_BUSY_POLL_US must be a whole number of microseconds, got '50us'");
  env_.clear();
  flags = {};
  flags.config_file = write_toml("busy_poll_us = 1.5\n");
  auto from_file = load_config(flags, env());
  ASSERT_FALSE(from_file.ok());
  EXPECT_NE(from_file.error().find("'busy_poll_us' must be an integer"), std::string::npos);
  flags.config_file = write_toml("busy_poll_us = 20000\n");
  auto too_long = load_config(flags, env());
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().find("'busy_poll_us' must be between 0 and 10000"), std::string::npos);
}

TEST_F(LoadConfigTest, TrustedProxiesComeFromListsInFileEnvironmentOrFlags) {
  EXPECT_TRUE(load_config({}, env())->trusted_proxies.empty());
  ServeFlags flags;
  flags.config_file = write_toml("trusted_proxies = [\"10.0.0.0/8\"]\n");
  EXPECT_EQ(load_config(flags, env())->trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
  env_["BLENDER_MCP_TRUSTED_PROXIES"] = "127.0.0.1, ::1";
  EXPECT_EQ(load_config(flags, env())->trusted_proxies,
            (std::vector<std::string>{"127.0.0.1", "::1"}));
  flags.trusted_proxies = {"192.0.2.1,192.0.2.2", "2001:db8::/32"};
  EXPECT_EQ(load_config(flags, env())->trusted_proxies,
            (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "2001:db8::/32"}));
}

TEST_F(LoadConfigTest, ABadTrustedProxyIsRefusedNamingItsSourceAndEntry) {
  ServeFlags flags;
  flags.trusted_proxies = {"10.0.0.1,proxy.local"};
  auto from_flag = load_config(flags, env());
  ASSERT_FALSE(from_flag.ok());
  EXPECT_EQ(from_flag.error(), "--trusted-proxy: 'proxy.local' is not an IP address or CIDR block");
  env_["BLENDER_MCP_TRUSTED_PROXIES"] = "10.0.0.0/33";
  auto from_env = load_config({}, env());
  ASSERT_FALSE(from_env.ok());
  EXPECT_EQ(from_env.error(),
            "BLENDER_MCP_TRUSTED_PROXIES: '10.0.0.0/33' has a prefix length outside 0-32");
  env_.clear();
  flags = {};
  flags.config_file = write_toml("trusted_proxies = [\"10.0.0.1/8\"]\n");
  auto from_file = load_config(flags, env());
  ASSERT_FALSE(from_file.ok());
  EXPECT_NE(from_file.error().find("'10.0.0.1/8' has address bits set beyond its /8 prefix"),
            std::string::npos);
}

TEST_F(LoadConfigTest, TheLogFormatIsTextByDefaultAndComesFromFileEnvironmentOrFlag) {
  EXPECT_EQ(load_config({}, env())->log_format, "text");
  ServeFlags flags;
  flags.config_file = write_toml("log_format = \"json\"\n");
  EXPECT_EQ(load_config(flags, env())->log_format, "json");
  env_["BLENDER_MCP_LOG_FORMAT"] = "text";
  EXPECT_EQ(load_config(flags, env())->log_format, "text");
  flags.log_format = "json";
  EXPECT_EQ(load_config(flags, env())->log_format, "json");
}

TEST_F(LoadConfigTest, AnUnknownLogFormatIsRefusedNamingItsSourceAndValue) {
  ServeFlags flags;
  flags.log_format = "yaml";
  EXPECT_EQ(load_config(flags, env()).error(), "--log-format must be text or json, got 'yaml'");
  env_["BLENDER_MCP_LOG_FORMAT"] = "JSON";
  EXPECT_EQ(load_config({}, env()).error(),
            "BLENDER_MCP_LOG_FORMAT must be text or json, got 'JSON'");
  env_.clear();
  flags = {};
  flags.config_file = write_toml("log_format = \"xml\"\n");
  EXPECT_NE(load_config(flags, env()).error().find("'log_format' must be text or json, got 'xml'"),
            std::string::npos);
}

TEST_F(LoadConfigTest, MetricsBindIsUnsetByDefaultAndComesFromFileEnvironmentOrFlag) {
  EXPECT_FALSE(load_config({}, env())->metrics_bind);
  ServeFlags flags;
  flags.config_file = write_toml("metrics_bind = \"127.0.0.1:9101\"\n");
  EXPECT_EQ(load_config(flags, env())->metrics_bind, (BindAddress{"127.0.0.1", 9101}));
  env_["BLENDER_MCP_METRICS_BIND"] = "[::1]:9102";
  EXPECT_EQ(load_config(flags, env())->metrics_bind, (BindAddress{"::1", 9102}));
  flags.metrics_bind = "0.0.0.0:0";
  EXPECT_EQ(load_config(flags, env())->metrics_bind, (BindAddress{"0.0.0.0", 0}));
}

TEST_F(LoadConfigTest, ABadMetricsBindIsRefusedNamingItsSourceValueAndProblem) {
  const std::pair<std::string, std::string> cases[] = {
      {"9100", "no port"},
      {":9100", "no host"},
      {"localhost:9100", "'localhost' is not an IP address"},
      {"::1:9100", "an IPv6 address must be in brackets"},
      {"[127.0.0.1]:9100", "brackets are for IPv6 addresses"},
      {"127.0.0.1:", "'' is not a port number"},
      {"127.0.0.1:65536", "'65536' is not a port number"},
      {"127.0.0.1:-1", "'-1' is not a port number"},
      {"127.0.0.1:91x", "'91x' is not a port number"},
  };
  for (const auto& [value, problem] : cases) {
    ServeFlags flags;
    flags.metrics_bind = value;
    auto config = load_config(flags, env());
    ASSERT_FALSE(config.ok()) << value;
    EXPECT_EQ(config.error(),
              "--metrics-bind must be HOST:PORT with an IP address as HOST ([...] for IPv6) and a "
              "port 0-65535, got '" +
                  value + "': " + problem);
  }
  env_["BLENDER_MCP_METRICS_BIND"] = "nowhere";
  auto from_env = load_config({}, env());
  ASSERT_FALSE(from_env.ok());
  EXPECT_EQ(from_env.error().rfind("BLENDER_MCP_METRICS_BIND must be HOST:PORT", 0), 0u);
  env_.clear();
  ServeFlags flags;
  flags.config_file = write_toml("metrics_bind = 9100\n");
  auto wrong_type = load_config(flags, env());
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.error().find("'metrics_bind' must be a string"), std::string::npos);
}

TEST_F(LoadConfigTest, PortZeroIsOnlyAcceptedAsAFlag) {
  ServeFlags flags;
  flags.port = 0;
  EXPECT_TRUE(load_config(flags, env()).ok());
  env_["BLENDER_MCP_PORT"] = "0";
  EXPECT_FALSE(load_config({}, env()).ok());
  EXPECT_FALSE(load_config({}, [](const char* n) -> std::optional<std::string> {
                 return std::string(n) == "BLENDER_MCP_LOG_LEVEL"
                            ? std::optional<std::string>("loud")
                            : std::nullopt;
               }).ok());
}

TEST_F(LoadConfigTest, TheDatabaseUrlComesFromTheFlagTheEnvironmentOrTheFile) {
  EXPECT_EQ(load_config({}, env())->database_url, std::nullopt);
  ServeFlags flags;
  flags.config_file = write_toml("database_url = 'postgresql://file/db'\n");
  EXPECT_EQ(load_config(flags, env())->database_url, "postgresql://file/db");
  env_["BLENDER_MCP_DATABASE_URL"] = "postgres://env/db";
  EXPECT_EQ(load_config(flags, env())->database_url, "postgres://env/db");
  flags.database_url = "postgresql://flag/db";
  EXPECT_EQ(load_config(flags, env())->database_url, "postgresql://flag/db");
}

TEST_F(LoadConfigTest, ADatabaseUrlThatIsNotPostgresqlIsRefusedNamingItsSource) {
  env_["BLENDER_MCP_DATABASE_URL"] = "mysql://user:secret@db/x";
  auto from_env = load_config({}, env());
  ASSERT_FALSE(from_env.ok());
  EXPECT_EQ(from_env.error(),
            "BLENDER_MCP_DATABASE_URL must be a postgresql:// or postgres:// URL, got 'mysql:'");
  env_.clear();
  ServeFlags flags;
  flags.database_url = "/var/lib/db";
  auto from_flag = load_config(flags, env());
  ASSERT_FALSE(from_flag.ok());
  EXPECT_NE(from_flag.error().find("--database-url"), std::string::npos) << from_flag.error();
  ServeFlags file;
  file.config_file = write_toml("database_url = 5\n");
  EXPECT_FALSE(load_config(file, env()).ok());
}

TEST_F(LoadConfigTest, AMissingOrDirectoryConfigFileIsRefusedNamingIt) {
  ServeFlags flags;
  flags.config_file =
      (std::filesystem::temp_directory_path() / "bmcp-no-such-config.toml").string();
  auto missing = load_config(flags, env());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("bmcp-no-such-config.toml: cannot be opened for reading"),
            std::string::npos);
  flags.config_file = std::filesystem::temp_directory_path().string();
  auto directory = load_config(flags, env());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().find("is a directory"), std::string::npos);
}

TEST_F(LoadConfigTest, ThePublicUrlComesFromFlagEnvironmentOrFileAndIsChecked) {
  EXPECT_EQ(load_config({}, env())->public_url, std::nullopt);
  env_["BLENDER_MCP_PUBLIC_URL"] = "https://env.example/";
  EXPECT_EQ(load_config({}, env())->public_url, "https://env.example");
  ServeFlags flags;
  flags.public_url = "http://127.0.0.1:9000";
  EXPECT_EQ(load_config(flags, env())->public_url, "http://127.0.0.1:9000");
  flags.public_url = "blender.example.com";
  const auto refused = load_config(flags, env());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("--public-url"), std::string::npos) << refused.error();
  env_["BLENDER_MCP_PUBLIC_URL"] = "https://env.example/mcp";
  const auto bad_env = load_config({}, env());
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.error().find("BLENDER_MCP_PUBLIC_URL"), std::string::npos);
  env_.clear();
  ServeFlags file_flags;
  file_flags.config_file = write_toml("public_url = \"https://file.example\"\n");
  EXPECT_EQ(load_config(file_flags, env())->public_url, "https://file.example");
  file_flags.config_file = write_toml("public_url = \"https://file.example/x\"\n");
  EXPECT_FALSE(load_config(file_flags, env()).ok());
}

TEST_F(LoadConfigTest, TheOidcSettingsComeFromEverySourceAndAreChecked) {
  const auto defaults = load_config({}, env());
  EXPECT_EQ(defaults->oidc_issuer, std::nullopt);
  EXPECT_EQ(defaults->oidc_user_claim, "sub");
  EXPECT_EQ(defaults->oidc_roles_claim, std::nullopt);
  env_["BLENDER_MCP_OIDC_ISSUER"] = "https://id.example/realms/main";
  env_["BLENDER_MCP_OIDC_ROLES_CLAIM"] = "realm_access.roles";
  ServeFlags flags;
  flags.oidc_audience = "blender-mcp";
  flags.oidc_user_claim = "preferred_username";
  const auto loaded = load_config(flags, env());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->oidc_issuer, "https://id.example/realms/main");
  EXPECT_EQ(loaded->oidc_audience, "blender-mcp");
  EXPECT_EQ(loaded->oidc_user_claim, "preferred_username");
  EXPECT_EQ(loaded->oidc_roles_claim, "realm_access.roles");

  for (const char* bad : {"http://id.example", "https://", "https://id.example/?x=1",
                          "https://u@id.example", "id.example"}) {
    ServeFlags refused_flags;
    refused_flags.oidc_issuer = bad;
    const auto refused = load_config(refused_flags, env());
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().find("--oidc-issuer"), std::string::npos) << refused.error();
  }
  flags.oidc_user_claim = "has space";
  EXPECT_NE(load_config(flags, env()).error().find("--oidc-user-claim"), std::string::npos);

  env_.clear();
  ServeFlags without_issuer;
  without_issuer.oidc_audience = "x";
  EXPECT_NE(load_config(without_issuer, env()).error().find("need --oidc-issuer"),
            std::string::npos);

  ServeFlags file_flags;
  file_flags.config_file =
      write_toml("oidc_issuer = \"https://file.example\"\noidc_roles_claim = \"roles\"\n");
  const auto from_file = load_config(file_flags, env());
  ASSERT_TRUE(from_file.ok()) << from_file.error();
  EXPECT_EQ(from_file->oidc_issuer, "https://file.example");
  EXPECT_EQ(from_file->oidc_roles_claim, "roles");
  file_flags.config_file = write_toml("oidc_issuer = 3\n");
  EXPECT_NE(load_config(file_flags, env()).error().find("oidc_issuer"), std::string::npos);
}

TEST_F(LoadConfigTest, TheMetadataDocumentSettingsComeFromEverySourceAndAreChecked) {
  EXPECT_TRUE(load_config({}, env())->oauth_metadata_allow.empty());
  EXPECT_EQ(load_config({}, env())->oauth_metadata_ca_file, std::nullopt);
  env_["BLENDER_MCP_OAUTH_METADATA_ALLOW"] = "127.0.0.1, localhost:8443";
  env_["BLENDER_MCP_OAUTH_METADATA_CA_FILE"] = "/etc/ca.pem";
  EXPECT_EQ(load_config({}, env())->oauth_metadata_allow,
            (std::vector<std::string>{"127.0.0.1", "localhost:8443"}));
  EXPECT_EQ(load_config({}, env())->oauth_metadata_ca_file, "/etc/ca.pem");
  ServeFlags flags;
  flags.oauth_metadata_allow = {"10.0.0.0/8,fd00::/8", "docs.internal"};
  flags.oauth_metadata_ca_file = "/tmp/ca.pem";
  const auto flagged = load_config(flags, env());
  ASSERT_TRUE(flagged.ok()) << flagged.error();
  EXPECT_EQ(flagged->oauth_metadata_allow,
            (std::vector<std::string>{"10.0.0.0/8", "fd00::/8", "docs.internal"}));
  EXPECT_EQ(flagged->oauth_metadata_ca_file, "/tmp/ca.pem");
  flags.oauth_metadata_allow = {"localhost:http"};
  const auto refused = load_config(flags, env());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().find("--oauth-metadata-allow: 'localhost:http'"), 0u)
      << refused.error();
  env_["BLENDER_MCP_OAUTH_METADATA_ALLOW"] = "10.0.0.1/99";
  const auto bad_env = load_config({}, env());
  ASSERT_FALSE(bad_env.ok());
  EXPECT_EQ(bad_env.error().find("BLENDER_MCP_OAUTH_METADATA_ALLOW: '10.0.0.1/99'"), 0u)
      << bad_env.error();
  env_.clear();
  ServeFlags file_flags;
  file_flags.config_file = write_toml(
      "oauth_metadata_allow = [\"127.0.0.1\"]\noauth_metadata_ca_file = \"/srv/ca.pem\"\n");
  const auto from_file = load_config(file_flags, env());
  ASSERT_TRUE(from_file.ok()) << from_file.error();
  EXPECT_EQ(from_file->oauth_metadata_allow, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(from_file->oauth_metadata_ca_file, "/srv/ca.pem");
  file_flags.config_file = write_toml("oauth_metadata_allow = \"127.0.0.1\"\n");
  EXPECT_FALSE(load_config(file_flags, env()).ok());
}

TEST_F(LoadConfigTest, TheRefreshGraceWindowIsAPositiveNumberOfSeconds) {
  EXPECT_EQ(load_config({}, env())->oauth_refresh_grace_seconds, 10);
  env_["BLENDER_MCP_OAUTH_REFRESH_GRACE_SECONDS"] = "3";
  EXPECT_EQ(load_config({}, env())->oauth_refresh_grace_seconds, 3);
  env_["BLENDER_MCP_OAUTH_REFRESH_GRACE_SECONDS"] = "0";
  EXPECT_FALSE(load_config({}, env()).ok());
}

TEST(ApplyConfigToml, AppliesTheDocumentsSettings) {
  ServerConfig config;
  ASSERT_TRUE(
      apply_config_toml(config, "port = 9001\ntrusted_proxies = [\"10.0.0.0/8\"]\n", "server.toml")
          .ok());
  EXPECT_EQ(config.port, 9001);
  EXPECT_EQ(config.trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
}

TEST(ApplyConfigToml, AnEmptyLogLevelIsRefused) {
  // Found by fuzz/targets/config_file: `log_level = ""` was accepted, and `serve` then read the
  // level of an empty name.
  ServerConfig config;
  auto refused = apply_config_toml(config, "log_level = \"\"\n", "server.toml");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(),
            "config file server.toml: 'log_level' must be one of debug, info, warning, error, got "
            "''");
  EXPECT_EQ(config.log_level, "info");
}

TEST(ApplyConfigToml, ARefusedDocumentChangesNothingAndNamesTheFile) {
  ServerConfig config;
  auto refused = apply_config_toml(config, "port = 9001\nthreads = 0\n", "server.toml");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "config file server.toml: 'threads' must be a positive integer");
  EXPECT_EQ(config.port, 8000);
  auto broken = apply_config_toml(config, "port = [", "server.toml");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().rfind("config file server.toml: ", 0), 0u);
  EXPECT_EQ(config.port, 8000);
}

}  // namespace
}  // namespace bmcp::app
