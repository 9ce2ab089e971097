// Witness Bridge: lets the mediasoup 3.19 worker, written against mediasoup's libsrtp 3 fork,
// compile and run against Debian's libsrtp2 (2.5). build.sh points the worker's two
// `#include <srtp.h>` lines here.
//
// What differs between the two APIs, for the calls the worker makes:
// - libsrtp 3 protects from an input buffer into a separate output buffer whose capacity is
//   passed in and whose used length is passed back (size_t); libsrtp 2 works in place on one
//   buffer with an `int*` length. The adapters below copy the packet into the output buffer
//   (after checking it has room for the packet and the SRTP trailer) and run libsrtp 2 there.
// - libsrtp 3 takes an MKI index; the worker always passes 0 and never configures MKIs, which
//   is what libsrtp 2's functions without MKI do.
// - Two status codes exist only in libsrtp 3; the worker names them in its error table.
// - libsrtp 3 renamed srtp_remove_stream() to srtp_stream_remove().
// C++ overloading keeps the worker's call sites unchanged: the adapters have more parameters
// than the C functions of the same name.
#ifndef WB_SRTP3_ON_SRTP2_HPP
#define WB_SRTP3_ON_SRTP2_HPP

#include <srtp.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(SRTP_VERSION_MAJOR) && SRTP_VERSION_MAJOR >= 3
#error "srtp3-on-srtp2.hpp is for libsrtp 2; with libsrtp 3 include <srtp.h> directly"
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return ::srtp_remove_stream(session, ssrc);
}

#endif

// libsrtp 2.5 ends its status enum at srtp_err_status_pkt_idx_adv (27); libsrtp 3 adds these.
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);

namespace wb_srtp2
{
	using InPlace = srtp_err_status_t (*)(srtp_t, void*, int*);

	// Copies `inLen` bytes to `out` (unless it is the same buffer) and runs `fn` there.
	// `*outLen` is the capacity of `out`; it must leave room for what `fn` appends (`extra`
	// bytes at most: libsrtp 2 documents SRTP_MAX_TRAILER_LEN for RTP and 4 more for RTCP).
	inline srtp_err_status_t Run(
	  InPlace fn,
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t extra)
	{
		if (inLen > static_cast<size_t>(INT_MAX) - extra || inLen + extra > *outLen)
		{
			return srtp_err_status_buffer_small;
		}

		if (out != in)
		{
			std::memmove(out, in, inLen);
		}

		int len = static_cast<int>(inLen);
		const srtp_err_status_t status = fn(ctx, out, &len);

		if (status == srtp_err_status_ok)
		{
			*outLen = static_cast<size_t>(len);
		}

		return status;
	}
} // namespace wb_srtp2

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t /*mkiIndex*/)
{
	return wb_srtp2::Run(&::srtp_protect, ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return wb_srtp2::Run(&::srtp_unprotect, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t /*mkiIndex*/)
{
	return wb_srtp2::Run(&::srtp_protect_rtcp, ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return wb_srtp2::Run(&::srtp_unprotect_rtcp, ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return ::srtp_remove_stream(session, ssrc);
}

#endif
