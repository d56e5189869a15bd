// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "container.h"

#define ID "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899"

static void expect(const char *path, const char *id, const char *runtime)
{
	struct container c;
	int ret = container__from_path(path, &c);

	if (!id) {
		cr_expect_eq(ret, -ENOENT, "%s: expected no container, got %s", path, c.id);
		return;
	}
	cr_assert_eq(ret, 0, "%s: no container found", path);
	cr_expect_str_eq(c.id, id, "%s", path);
	cr_expect_str_eq(c.runtime, runtime, "%s", path);
}

Test(container, runtimes_systemd_driver)
{
	expect("/system.slice/docker-" ID ".scope", ID, "docker");
	expect("/system.slice/cri-containerd-" ID ".scope", ID, "containerd");
	expect("/machine.slice/libpod-" ID ".scope/container", ID, "podman");
	expect("/kubepods.slice/kubepods-burstable.slice/"
	       "kubepods-burstable-pod1b2c3d4e_aaaa_bbbb_cccc_0123456789ab.slice/crio-" ID ".scope",
	       ID, "crio");
}

Test(container, runtimes_cgroupfs_driver)
{
	expect("/docker/" ID, ID, "docker");
	expect("/docker/" ID "/sub", ID, "docker");
	expect("/kubepods/besteffort/pod1b2c3d4e-aaaa-bbbb-cccc-0123456789ab/" ID, ID, "cri");
}

Test(container, named_runtimes)
{
	expect("/lxc.payload.web1", "web1", "lxc");
	expect("/lxc.payload.web1/system.slice/cron.service", "web1", "lxc");
	expect("/lxc/web1", "web1", "lxc");
	expect("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", "qemu\\x2d1\\x2dvm", "machined");
	/* A docker container inside an LXC one is the docker one. */
	expect("/lxc.payload.web1/docker/" ID, ID, "docker");
	expect("/lxc", NULL, NULL);
	expect("/machine.slice", NULL, NULL);
	expect("/system.slice/machine-x.scope", NULL, NULL);
}

Test(container, is_container_not_service)
{
	cr_expect(container__path_is_container("/docker/" ID));
	cr_expect(container__path_is_container("/kubepods/pod1b2c3d4e-aaaa-bbbb-cccc-0123456789ab"));
	cr_expect(container__path_is_container("/lxc.payload.web1"));
	cr_expect_not(container__path_is_container("/system.slice/nginx.service"));
	cr_expect_not(container__path_is_container("/user.slice/user-1000.slice/session-3.scope"));
	cr_expect_not(container__path_is_container(NULL));
}

Test(container, pods_and_services)
{
	expect("/kubepods.slice/kubepods-burstable.slice/"
	       "kubepods-burstable-pod1b2c3d4e_aaaa_bbbb_cccc_0123456789ab.slice",
	       "1b2c3d4e-aaaa-bbbb-cccc-0123456789ab", "kubepods");
	expect("/kubepods/pod1b2c3d4e-aaaa-bbbb-cccc-0123456789ab",
	       "1b2c3d4e-aaaa-bbbb-cccc-0123456789ab", "kubepods");
	expect("/system.slice/nginx.service", "nginx.service", "systemd");
	expect("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
	       "foo.service", "systemd");
	/* A service inside a container is the container's. */
	expect("/system.slice/docker-" ID ".scope/system.slice/cron.service", ID, "docker");
}

Test(container, not_containers)
{
	expect("/", NULL, NULL);
	expect("", NULL, NULL);
	expect("/user.slice/user-1000.slice/session-3.scope", NULL, NULL);
	expect("/system.slice", NULL, NULL);
	/* Not 64 hex: not an id. */
	expect("/system.slice/docker-1234.scope", NULL, NULL);
	expect("/system.slice/docker-" ID "X.scope", NULL, NULL);
	expect("/other/" ID, NULL, NULL);
	expect("/system.slice/.service", NULL, NULL);
}

Test(container, match_and_short_id)
{
	struct container c;
	char buf[CONTAINER_ID_SIZE];

	cr_assert_eq(container__from_path("/docker/" ID, &c), 0);
	cr_expect_str_eq(container__short_id(&c, buf, sizeof(buf)), "3f4e5d6c7b8a");
	cr_expect(container__match(&c, ID));
	cr_expect(container__match(&c, "3f4e5d6c7b8a"));
	cr_expect(container__match(&c, "3f4e"));
	cr_expect_not(container__match(&c, "3f4"));
	cr_expect_not(container__match(&c, "3f4f"));
	cr_expect_not(container__match(&c, ""));
	cr_assert_eq(container__from_path("/system.slice/nginx.service", &c), 0);
	cr_expect_str_eq(container__short_id(&c, buf, sizeof(buf)), "nginx.service");
	cr_expect(container__match(&c, "nginx.service"));
	cr_expect(container__match(&c, "nginx"));
	cr_expect_not(container__match(&c, "ngin"));
}

Test(container, path_under)
{
	cr_expect(container__path_under("/a/b", "/a"));
	cr_expect(container__path_under("/a", "/a/"));
	cr_expect(container__path_under("/a/b/c", "a/b"));
	cr_expect(container__path_under("/anything", "/"));
	cr_expect_not(container__path_under("/ab", "/a"));
	cr_expect_not(container__path_under("/", "/a"));
}
