#include "sim/qemu_command_line.h"

#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace portrace::sim {
namespace {

absl::Status Bad(absl::string_view option, absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--qemu-args: ", option, value.empty() ? "" : " ", value, ": ", why));
}

// "key=value,key=value" (a first bare word is returned under the key "").
std::vector<std::pair<std::string, std::string>> KeyValues(absl::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      out.emplace_back("", std::string(part));
    } else {
      out.emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
  }
  return out;
}

// QEMU's -m: MiB by default, or with a K/M/G/T suffix; "size=" form too.
std::optional<uint64_t> ParseMemorySize(absl::string_view text) {
  for (const auto& [key, value] : KeyValues(text)) {
    if (key != "" && key != "size") continue;
    absl::string_view v = value;
    uint64_t unit = uint64_t{1} << 20;
    if (!v.empty() && !absl::ascii_isdigit(static_cast<unsigned char>(v.back()))) {
      switch (absl::ascii_toupper(static_cast<unsigned char>(v.back()))) {
        case 'K':
          unit = uint64_t{1} << 10;
          break;
        case 'M':
          unit = uint64_t{1} << 20;
          break;
        case 'G':
          unit = uint64_t{1} << 30;
          break;
        case 'T':
          unit = uint64_t{1} << 40;
          break;
        default:
          return std::nullopt;
      }
      v.remove_suffix(1);
    }
    uint64_t n = 0;
    if (!absl::SimpleAtoi(v, &n) || n == 0 || n > (uint64_t{1} << 40) / unit) return std::nullopt;
    return n * unit;
  }
  return std::nullopt;
}

bool IsNicModel(absl::string_view name) {
  return name == "ne2k_pci" || name == "ne2k_isa" || name == "rtl8139";
}

}  // namespace

absl::Status ApplyQemuCommandLine(absl::string_view args, MachineOptions* options,
                                  std::vector<std::string>* notes) {
  options->name = "pc";  // qemu-system-x86_64's default machine
  const std::vector<absl::string_view> words =
      absl::StrSplit(args, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  bool defaults = true;
  bool saw_network = false;
  bool snapshot = false;
  bool serial_given = false, parallel_given = false;
  std::vector<std::string> drives, nics;
  auto note = [notes](std::string text) {
    if (notes != nullptr) notes->push_back(std::move(text));
  };
  static constexpr absl::string_view kIgnoredWithValue[] = {
      "-display", "-monitor", "-accel",     "-cpu",  "-name", "-trace",   "-D",
      "-d",       "-qtest",   "-qtest-log", "-bios", "-L",    "-chardev", "-netdev",
      "-k",       "-vnc",     "-pidfile",   "-mon",  "-uuid"};
  static constexpr absl::string_view kWithValue[] = {
      "-machine", "-M",      "-drive", "-hda", "-hdb", "-hdc",    "-hdd",      "-cdrom", "-nic",
      "-net",     "-device", "-boot",  "-m",   "-smp", "-serial", "-parallel", "-vga",   "-rtc"};
  static constexpr absl::string_view kIgnored[] = {"-S",           "-enable-kvm", "-no-reboot",
                                                   "-no-shutdown", "-nographic",  "-no-user-config",
                                                   "-daemonize"};
  for (size_t i = 0; i < words.size(); ++i) {
    absl::string_view option = words[i];
    // QEMU takes --option as -option.
    if (absl::StartsWith(option, "--")) option.remove_prefix(1);
    bool ignored = false;
    for (absl::string_view name : kIgnored) ignored = ignored || option == name;
    if (ignored) continue;
    if (!absl::StartsWith(option, "-")) {
      return Bad(option, "", "not an option (QEMU's options start with '-'; no quoting)");
    }
    if (option == "-nodefaults") {
      defaults = false;
      continue;
    }
    if (option == "-snapshot") {
      snapshot = true;
      continue;
    }
    bool ignored_with_value = false;
    for (absl::string_view name : kIgnoredWithValue) {
      ignored_with_value = ignored_with_value || option == name;
    }
    bool known = ignored_with_value;
    for (absl::string_view name : kWithValue) known = known || option == name;
    if (!known) {
      return Bad(option, "",
                 "this QEMU option is not understood (see `portrace replay --help`, "
                 "--qemu-args)");
    }
    if (i + 1 >= words.size()) return Bad(option, "", "needs a value");
    const absl::string_view value = words[++i];
    if (ignored_with_value) {
      if (option == "-netdev") saw_network = true;
      continue;
    }
    if (option == "-machine" || option == "-M") {
      for (const auto& [key, v] : KeyValues(value)) {
        const absl::string_view type = key.empty() || key == "type" ? absl::string_view(v) : "";
        if (key.empty() || key == "type") {
          if (type != "pc" && !absl::StartsWith(type, "pc-i440fx-")) {
            return Bad(option, value,
                       absl::StrCat("machine type '", type,
                                    "': portrace models QEMU's pc (i440FX + PIIX3) only"));
          }
        } else if (key != "accel" && key != "usb" && key != "dump-guest-core" &&
                   key != "mem-merge" && key != "kernel-irqchip" && key != "kernel_irqchip" &&
                   key != "vmport") {
          return Bad(option, value, absl::StrCat("machine property '", key, "' is not modelled"));
        }
      }
      options->name = "pc";
    } else if (option == "-drive") {
      drives.emplace_back(value);
    } else if (option == "-hda" || option == "-hdb" || option == "-hdc" || option == "-hdd") {
      drives.push_back(absl::StrCat("file=", value, ",index=", option[3] - 'a'));
    } else if (option == "-cdrom") {
      drives.push_back(absl::StrCat("file=", value, ",index=2,media=cdrom"));
    } else if (option == "-nic") {
      saw_network = true;
      if (value != "none") nics.emplace_back(value);
    } else if (option == "-net") {
      saw_network = true;
      absl::string_view rest = value;
      if (rest == "nic" || absl::ConsumePrefix(&rest, "nic,")) {
        if (rest == "nic") rest = "";
        nics.push_back(std::string(rest));  // ParseNicOptions names a missing model
      }
    } else if (option == "-device") {
      const std::vector<std::pair<std::string, std::string>> kv = KeyValues(value);
      const std::string& driver = kv.front().first.empty() ? kv.front().second : "";
      if (!IsNicModel(driver)) {
        return Bad(option, value,
                   absl::StrCat("device '", driver,
                                "' is not modelled as a -device (NICs ne2k_pci, ne2k_isa and "
                                "rtl8139 are; disks come with -drive)"));
      }
      std::string nic = absl::StrCat("model=", driver);
      for (size_t k = 1; k < kv.size(); ++k)
        absl::StrAppend(&nic, ",", kv[k].first, "=", kv[k].second);
      nics.push_back(nic);
    } else if (option == "-boot") {
      std::string order, once;
      for (const auto& [key, v] : KeyValues(value)) {
        if (key.empty()) order = v;  // legacy -boot DEVICES
        if (key == "order") order = v;
        if (key == "once") once = v;
      }
      // QEMU's first boot uses once= and puts order= back at the next reset.
      if (!once.empty()) order = once;
      if (!order.empty()) options->boot_order = order;
    } else if (option == "-m") {
      const std::optional<uint64_t> bytes = ParseMemorySize(value);
      if (!bytes)
        return Bad(option, value, "expected a size of 1 byte to 1 TiB (512, 2G, size=1G)");
      options->ram_bytes = *bytes;
    } else if (option == "-smp") {
      for (const auto& [key, v] : KeyValues(value)) {
        if ((key.empty() || key == "cpus" || key == "maxcpus") && v != "1") {
          return Bad(option, value, "portrace models one CPU");
        }
      }
    } else if (option == "-serial" || option == "-parallel") {
      const bool serial = option == "-serial";
      bool& given = serial ? serial_given : parallel_given;
      if (value == "none") {
        (serial ? options->no_serial : options->no_parallel) = true;
        (serial ? options->serial : options->parallel) = false;
        given = true;
        continue;
      }
      if (given) {
        return Bad(option, value,
                   serial ? "a second serial port (0x2f8) is not modelled"
                          : "a second parallel port (0x278) is not modelled");
      }
      given = true;
      (serial ? options->serial : options->parallel) = true;
      (serial ? options->no_serial : options->no_parallel) = false;
    } else if (option == "-vga") {
      if (value != "std" && value != "none") {
        return Bad(option, value, "only std and none are modelled");
      }
      options->vga = std::string(value);
    } else if (option == "-rtc") {
      for (const auto& [key, v] : KeyValues(value)) {
        if (key != "base") continue;
        if (v == "utc" || v == "localtime") {
          note(absl::StrCat("-rtc base=", v,
                            ": the host's clock is not modelled; the RTC starts "
                            "at --rtc-base (default 2026-01-01T00:00:00)"));
        } else {
          options->rtc_base = v;
        }
      }
    }
  }
  if (snapshot) {
    for (std::string& drive : drives) {
      if (!absl::StrContains(drive, "snapshot=")) absl::StrAppend(&drive, ",snapshot=on");
    }
  }
  options->qemu_defaults = defaults;
  if (defaults && !saw_network) {
    note(
        "QEMU adds its default NIC here (an e1000, as -net nic -net user), which portrace does "
        "not model; give -nodefaults or a -nic");
  }
  for (std::string& d : drives) options->drives.push_back(std::move(d));
  for (std::string& n : nics) options->nics.push_back(std::move(n));
  return absl::OkStatus();
}

}  // namespace portrace::sim
