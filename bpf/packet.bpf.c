// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The packet monitor: every packet of every local socket, in every network
 * namespace, from cgroup_skb programs attached at the cgroup v2 root, with
 * the process that owns the socket.
 *
 * The owner is written into socket-local storage from process context only
 * (socket creation, bind, connect, send, receive), where `current` is the
 * process using the socket. The skb programs only read it: they often run in
 * softirq, where `current` is whatever task was interrupted.
 *
 * With rec -i, tc programs capture whole interfaces as well: traffic that no
 * local socket sends or receives (forwarded, refused, ARP). They find the
 * owner from the packet's socket (egress) or by looking the socket up by the
 * packet's addresses and ports (ingress, before the stack does).
 */
#include "rec.bpf.h"
#include <bpf/bpf_endian.h>

#define PACKET_OUTGOING 4
#define TCP_SYN_SENT 2

/* Since 6.2. Weak, and only called under bpf_ksym_exists(), so the verifier
 * of an older kernel drops the call as dead code instead of refusing it. */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

#ifndef bpf_ksym_exists /* libbpf 1.2's bpf_helpers.h; Debian 12 has 1.1 */
#define bpf_ksym_exists(sym) (!!(sym))
#endif

/* ARPHRD_VOID: the interface's type, when it cannot be read. */
#define HATYPE_UNKNOWN 0xffff

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define TC_ACT_UNSPEC (-1) /* tcx: TCX_NEXT; either way the packet goes on */
#ifndef BPF_F_CURRENT_NETNS
#define BPF_F_CURRENT_NETNS (-1)
#endif

const volatile __u32 snaplen = 262144;
const volatile bool tc_capture = false; /* rec -i: the tc programs are attached */
const volatile __u32 tc_netns = 0;      /* rec's network namespace, where -i names interfaces */
const volatile __u64 pkt_wakeup_bytes = 1 << 20;

/*
 * The packet counter. Under a lock rather than with an atomic
 * fetch-and-add: before 5.12 the verifier refuses that instruction even in
 * code it would prune, and bpf_ringbuf_output takes a lock per packet anyway.
 */
struct pkt_seq {
	struct bpf_spin_lock lock;
	__u64 next;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pkt_seq);
} pkt_seqs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* set by rec: --buffer-size */
} packets SEC(".maps");

/* BPF_F_CLONE: an accepted TCP socket starts with its listener's owner.
 * bootstrap.bpf.c declares the same map, and rec gives it this one. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sk_owner);
} sk_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TT_MAX_TC_IFACES);
	__type(key, struct tc_iface_key);
	__type(value, struct tc_iface);
} tc_ifaces SEC(".maps");

struct pkt_scratch {
	struct ev_packet ev;
	__u8 data[TT_MAX_SNAPLEN];
};

/*
 * Two per CPU (an array: a per-CPU map cannot hold values this large): a
 * capture in process context may be interrupted, on its CPU, by a softirq
 * that captures too (ingress under an egress); each nesting level has its
 * own, so neither writes over the other's packet.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by rec: TT_PKT_NEST_MAX per possible CPU */
	__type(key, __u32);
	__type(value, struct pkt_scratch);
} pkt_scratches SEC(".maps");

/* The captures running on this CPU now (nested ones included). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pkt_nesting SEC(".maps");

static __always_inline void owner_fill(struct sk_owner *o)
{
	__u64 id = bpf_get_current_pid_tgid();

	o->pid = id >> 32;
	o->tid = (__u32)id;
	o->uid = (__u32)bpf_get_current_uid_gid();
	o->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/* Record the current process as the owner of sk (a struct bpf_sock or a
 * BTF struct sock, whichever the hook has). */
#define OWNER_SET(sk)                                                                  \
	do {                                                                           \
		struct sk_owner *__o = bpf_sk_storage_get(&sk_owners, sk, 0,           \
							  BPF_SK_STORAGE_GET_F_CREATE); \
		if (__o)                                                               \
			owner_fill(__o);                                               \
	} while (0)

SEC("cgroup/sock_create")
int sock_create(struct bpf_sock *sk)
{
	OWNER_SET(sk);
	return 1;
}

SEC("cgroup/post_bind4")
int post_bind4(struct bpf_sock *sk)
{
	OWNER_SET(sk);
	return 1;
}

SEC("cgroup/post_bind6")
int post_bind6(struct bpf_sock *sk)
{
	OWNER_SET(sk);
	return 1;
}

#define SOCK_ADDR_HOOK(name)                                   \
	SEC("cgroup/" #name)                                   \
	int name(struct bpf_sock_addr *ctx)                    \
	{                                                      \
		struct bpf_sock *sk = ctx->sk;                 \
		if (sk)                                        \
			OWNER_SET(sk);                         \
		return 1;                                      \
	}

SOCK_ADDR_HOOK(connect4)
SOCK_ADDR_HOOK(connect6)
SOCK_ADDR_HOOK(sendmsg4)
SOCK_ADDR_HOOK(sendmsg6)
SOCK_ADDR_HOOK(recvmsg4)
SOCK_ADDR_HOOK(recvmsg6)

/*
 * Every send and receive syscall, on any socket: this is where an accepted
 * socket (which inherited the listener's owner) gets the process that
 * really uses it, and where a socket passed to another process changes hands.
 */
SEC("tp_btf/sock_send_length")
int BPF_PROG(sock_send_length, struct sock *sk, int ret, int flags)
{
	OWNER_SET(sk);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(sock_recv_length, struct sock *sk, int ret, int flags)
{
	OWNER_SET(sk);
	return 0;
}

/* CLOSE -> SYN_SENT runs inside connect(): process context. Other
 * transitions may run in softirq and are left alone. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (newstate == TCP_SYN_SENT)
		OWNER_SET((struct sock *)sk);
	return 0;
}

static __always_inline struct sk_owner *skb_owner(struct __sk_buff *skb, __u8 *flags)
{
	struct bpf_sock *sk = skb->sk, *full;

	if (!sk)
		return NULL;
	full = bpf_sk_fullsock(sk);
	if (full)
		return bpf_sk_storage_get(&sk_owners, full, 0, 0);
	/* A request socket (SYN-ACK, handshake ACK): its listener's owner. */
	full = bpf_get_listener_sock(sk);
	if (!full)
		return NULL; /* time-wait: the owner has closed it */
	*flags |= EV_PKT_LISTENER;
	return bpf_sk_storage_get(&sk_owners, full, 0, 0);
}

static __always_inline void owner_copy(struct ev_packet *e, const struct sk_owner *o)
{
	e->flags |= EV_PKT_OWNED;
	e->pid = o->pid;
	e->tid = o->tid;
	e->uid = o->uid;
	e->cgroup_id = o->cgroup_id;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
}

/*
 * tc ingress comes before the stack's socket lookup, so skb->sk is not set
 * yet: look the socket up as the stack will (the packet's namespace, its
 * addresses and ports) and copy its owner before releasing it. p holds the
 * first n bytes from the network header. TCP and UDP only, unfragmented,
 * IPv6 without extension headers.
 */
static __always_inline void tc_ingress_owner(struct __sk_buff *skb, const __u8 *p, __u32 n,
					     struct ev_packet *e)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk, *full;
	struct sk_owner *o = NULL;
	__u32 tlen, l4off;
	__u8 proto;

	if (e->protocol == ETH_P_IP && n >= 20 && p[0] >> 4 == 4) {
		l4off = (p[0] & 0xf) * 4;
		if (l4off < 20 || (((p[6] & 0x1f) << 8) | p[7]))
			return; /* a bad header, or not the first fragment */
		proto = p[9];
		__builtin_memcpy(&t.ipv4.saddr, p + 12, 4);
		__builtin_memcpy(&t.ipv4.daddr, p + 16, 4);
		tlen = sizeof(t.ipv4);
	} else if (e->protocol == ETH_P_IPV6 && n >= 40 && p[0] >> 4 == 6) {
		l4off = 40;
		proto = p[6];
		__builtin_memcpy(t.ipv6.saddr, p + 8, 16);
		__builtin_memcpy(t.ipv6.daddr, p + 24, 16);
		tlen = sizeof(t.ipv6);
	} else {
		return;
	}
	if (l4off + 4 > n)
		return;
	/* The ports sit at the same place in both tuples. */
	if (tlen == sizeof(t.ipv4)) {
		__builtin_memcpy(&t.ipv4.sport, p + l4off, 2);
		__builtin_memcpy(&t.ipv4.dport, p + l4off + 2, 2);
	} else {
		__builtin_memcpy(&t.ipv6.sport, p + l4off, 2);
		__builtin_memcpy(&t.ipv6.dport, p + l4off + 2, 2);
	}
	if (proto == IPPROTO_TCP)
		sk = bpf_skc_lookup_tcp(skb, &t, tlen, BPF_F_CURRENT_NETNS, 0);
	else if (proto == IPPROTO_UDP)
		sk = bpf_sk_lookup_udp(skb, &t, tlen, BPF_F_CURRENT_NETNS, 0);
	else
		return;
	if (!sk)
		return; /* no local socket: unattributed */
	full = bpf_sk_fullsock(sk);
	if (!full) {
		full = bpf_get_listener_sock(sk);
		if (full)
			e->flags |= EV_PKT_LISTENER;
	}
	if (full)
		o = bpf_sk_storage_get(&sk_owners, full, 0, 0);
	if (o)
		owner_copy(e, o);
	bpf_sk_release(sk);
}

/* The next packet id: the recording's packet number, from 0. */
static __always_inline __u64 pkt_seq_next(void)
{
	struct pkt_seq *q;
	__u32 zero = 0;
	__u64 id;

	q = bpf_map_lookup_elem(&pkt_seqs, &zero);
	if (!q)
		return 0; /* never: an array's entry is always there */
	bpf_spin_lock(&q->lock);
	id = q->next++;
	bpf_spin_unlock(&q->lock);
	return id;
}

static __always_inline void count_loss(void)
{
	__u32 zero = 0;
	struct ev_loss *l = bpf_map_lookup_elem(&losses, &zero);

	if (l) {
		l->events[TT_MON_PACKET]++;
		l->pkt_pending++;
		l->last_ts = bpf_ktime_get_ns();
	}
}

/* capture() with the scratch area s; with tc, the packet starts at the
 * link-layer header, which is skipped. */
static __always_inline int capture_into(struct __sk_buff *skb, bool outbound,
					const struct tc_iface *tc, struct pkt_scratch *s, __u32 cpu)
{
	struct ev_packet *e;
	struct sk_owner *o;
	struct ev_loss *l;
	__u32 zero = 0, len = skb->len, off = 0, copy, cap;
	__u64 flags = BPF_RB_NO_WAKEUP;

	e = &s->ev;
	e->ifindex = skb->ifindex;
	if (tc) {
		off = tc->l2len;
		if (len < off)
			return 1;
		len -= off;
		e->hatype = tc->hatype;
		e->netns = tc_netns;
		__builtin_memcpy(e->ifname, tc->name, sizeof(e->ifname));
	} else if (bpf_ksym_exists(bpf_cast_to_kern_ctx)) {
		struct sk_buff *kskb = bpf_cast_to_kern_ctx(skb);

		e->hatype = BPF_CORE_READ(kskb, dev, type);
		e->netns = BPF_CORE_READ(kskb, dev, nd_net.net, ns.inum);
		BPF_CORE_READ_STR_INTO(&e->ifname, kskb, dev, name);
		if (tc_capture) {
			struct tc_iface_key k = { .netns = e->netns, .ifindex = e->ifindex };

			if (bpf_map_lookup_elem(&tc_ifaces, &k))
				return 1; /* the tc programs write this one */
		}
	} else {
		/* Before 6.2 the device is out of reach: rec names the
		 * interface by its index, in an unknown namespace (netns 0),
		 * and cannot leave -i interfaces to tc (packets of local
		 * sockets on them are written twice). */
		e->hatype = HATYPE_UNKNOWN;
		e->netns = 0;
		e->ifname[0] = 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->id = pkt_seq_next();
	e->flags = outbound ? EV_PKT_OUTBOUND : 0;
	e->len = len;
	e->protocol = bpf_ntohs(skb->protocol);
	e->pkttype = outbound ? PACKET_OUTGOING : skb->pkt_type;
	e->cpu = cpu;
	e->pid = e->tid = e->uid = 0;
	e->cgroup_id = 0;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	cap = snaplen < TT_MAX_SNAPLEN ? snaplen : TT_MAX_SNAPLEN;
	e->caplen = len < cap ? len : cap;
	/* The headers are always copied, for the trace's PACKET record. */
	copy = e->caplen > TT_PKT_PARSE_LEN ? e->caplen : TT_PKT_PARSE_LEN;
	if (copy > len)
		copy = len;
	if (copy) {
		/* The verifier needs copy in [1, TT_MAX_SNAPLEN] in the register
		 * it checks; the compiler would drop a plain comparison. */
		__u32 n = copy - 1;

		asm volatile("%0 &= %1" : "+r"(n) : "i"(TT_MAX_SNAPLEN - 1));
		copy = n + 1;
		if (bpf_skb_load_bytes(skb, off, s->data, copy))
			copy = 0;
	}
	e->datalen = copy;
	if (e->caplen > copy)
		e->caplen = copy;
	if (tc && !outbound) {
		tc_ingress_owner(skb, s->data, copy < TT_PKT_PARSE_LEN ? copy : TT_PKT_PARSE_LEN, e);
	} else {
		o = skb_owner(skb, &e->flags);
		if (o)
			owner_copy(e, o);
	}
	l = bpf_map_lookup_elem(&losses, &zero);
	e->drops = l ? l->pkt_pending : 0;
	if (bpf_ringbuf_query(&packets, BPF_RB_AVAIL_DATA) >= pkt_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	asm volatile("%0 &= %1" : "+r"(copy) : "i"(2 * TT_MAX_SNAPLEN - 1));
	if (copy > TT_MAX_SNAPLEN) /* never true; for the verifier */
		return 1;
	if (bpf_ringbuf_output(&packets, s, sizeof(*e) + copy, flags))
		count_loss();
	else if (l)
		l->pkt_pending = 0;
	return 1; /* a monitor: every packet goes on */
}

/*
 * Copy one packet into the packets ring. tc is the -i interface the tc
 * programs caught it on, NULL in the cgroup_skb programs. The scratch area
 * is this CPU's for the nesting level: a third level (never seen) is lost,
 * and counted.
 */
static __always_inline int capture(struct __sk_buff *skb, bool outbound, const struct tc_iface *tc)
{
	__u32 cpu = bpf_get_smp_processor_id(), zero = 0, key;
	__u32 *depth = bpf_map_lookup_elem(&pkt_nesting, &zero);
	struct pkt_scratch *s;

	if (!depth)
		return 1;
	if (*depth >= TT_PKT_NEST_MAX) {
		count_loss();
		return 1;
	}
	key = cpu * TT_PKT_NEST_MAX + *depth;
	s = bpf_map_lookup_elem(&pkt_scratches, &key);
	if (!s)
		return 1;
	(*depth)++;
	capture_into(skb, outbound, tc, s, cpu);
	(*depth)--;
	return 1; /* a monitor: every packet goes on */
}

SEC("cgroup_skb/ingress")
int skb_ingress(struct __sk_buff *skb)
{
	return capture(skb, false, NULL);
}

SEC("cgroup_skb/egress")
int skb_egress(struct __sk_buff *skb)
{
	return capture(skb, true, NULL);
}

/* rec -i: attached to the interface with tcx, or with a clsact qdisc
 * before 6.6. They only watch, and leave the verdict to what comes next. */
static __always_inline int tc_capture_on(struct __sk_buff *skb, bool outbound)
{
	struct tc_iface_key k = { .netns = tc_netns, .ifindex = skb->ifindex };
	struct tc_iface *tc = bpf_map_lookup_elem(&tc_ifaces, &k);

	if (tc)
		capture(skb, outbound, tc);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tc_ingress(struct __sk_buff *skb)
{
	return tc_capture_on(skb, false);
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	return tc_capture_on(skb, true);
}
