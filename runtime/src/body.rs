//! Reading an HTTP answer's body with a cap on the bytes read, for the call loop and for the
//! credential services alike.

/// Why a body could not be read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// More than `cap` bytes: the answer declared a larger `content-length`, or the stream
    /// went past the cap. Reading stopped there.
    TooLarge {
        /// Bytes received before reading stopped (0 when the declared length was refused).
        read: u64,
    },
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads at most `cap` bytes of `response`'s body. Stops at the first chunk that would go
/// past the cap and drops the connection, so a hostile or broken server cannot make the
/// client buffer more than `cap` plus one chunk.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|declared| declared > cap as u64)
    {
        return Err(BodyError::TooLarge { read: 0 });
    }
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |n| n as usize).min(cap));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge {
                read: (body.len() + chunk.len()) as u64,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
