#include "devices/platform/platform_flavour.h"

namespace portrace::devices {
namespace {

PlatformBehaviour Traditional() {
  PlatformBehaviour b;
  b.flavour = sim::PlatformFlavour::kTraditional;
  b.name = "qemu-xen-traditional";
  b.blacklist = true;
  b.blacklist_sticky = true;
  b.build_needs_product = true;
  b.throttle = true;
  b.bar0_rules = sim::AccessRules::Portio(sim::kWidths1);
  return b;
}

PlatformBehaviour XenServer() {
  PlatformBehaviour b;
  b.flavour = sim::PlatformFlavour::kXenServer;
  b.name = "XenServer qemu-dm";
  b.blacklist = true;
  b.version2 = true;
  b.build_at_any_port = true;
  b.build_needs_product = true;
  b.throttle = true;
  b.sanitise_log = true;
  b.bar0_rules = sim::AccessRules::Portio(sim::kWidths1);
  return b;
}

PlatformBehaviour Upstream() {
  PlatformBehaviour b;
  b.flavour = sim::PlatformFlavour::kUpstream;
  b.name = "upstream QEMU xen-platform";
  b.bar_legacy_unplug = true;
  b.nvme_bit = true;
  b.bar0_rules = sim::AccessRules::Ops(1, 4, false, 1, 1);
  return b;
}

const PlatformBehaviour kBehaviours[] = {Traditional(), XenServer(), Upstream()};

}  // namespace

const PlatformBehaviour* FindPlatformBehaviour(sim::PlatformFlavour flavour) {
  for (const PlatformBehaviour& behaviour : kBehaviours) {
    if (behaviour.flavour == flavour) return &behaviour;
  }
  return nullptr;
}

}  // namespace portrace::devices
