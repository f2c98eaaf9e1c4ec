# Warnings are errors in project code; dependency headers come in as SYSTEM includes.
function(bmcp_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wconversion -Wno-sign-conversion -Werror)
endfunction()

# bmcp_layer(name SOURCES ... DEPENDS ...): one static library per architectural layer.
function(bmcp_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(bmcp_${name} STATIC ${L_SOURCES})
  target_include_directories(bmcp_${name} PUBLIC ${PROJECT_SOURCE_DIR}/server/src)
  target_link_libraries(bmcp_${name} PUBLIC ${L_DEPENDS})
  target_compile_definitions(bmcp_${name} PUBLIC BOOST_ASIO_SEPARATE_COMPILATION
                                                 BOOST_BEAST_SEPARATE_COMPILATION
                                                 BOOST_ASIO_NO_DEPRECATED)
  bmcp_warnings(bmcp_${name})
endfunction()

# bmcp_layer_tests(name SOURCES ... [PROPERTIES ...]): the GoogleTest binary that mirrors a
# layer; PROPERTIES are extra ctest properties of every test in it.
function(bmcp_layer_tests name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPENDS;PROPERTIES" ${ARGN})
  add_executable(bmcp_${name}_tests ${T_SOURCES})
  target_link_libraries(bmcp_${name}_tests PRIVATE bmcp_${name} ${T_DEPENDS} GTest::gtest GTest::gmock
                                                   GTest::gtest_main)
  bmcp_warnings(bmcp_${name}_tests)
  gtest_discover_tests(bmcp_${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit ${T_PROPERTIES})
endfunction()
