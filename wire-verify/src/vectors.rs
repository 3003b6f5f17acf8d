//! Alibaba's published signature vectors (from its signature documentation, as quoted in the
//! project's wire-protocol.md), as data: the one copy every test suite uses.

/// The V3 vector: ECS `RunInstances`, `POST /`, empty body.
pub mod v3 {
    /// The method.
    pub const METHOD: &str = "POST";
    /// The `host` header.
    pub const HOST: &str = "ecs.cn-shanghai.aliyuncs.com";
    /// The query, as sent (already canonical).
    pub const QUERY: &str =
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
    /// The query's parameters, decoded.
    pub const PARAMS: [(&str, &str); 2] = [
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ];
    /// `x-acs-action`.
    pub const ACTION: &str = "RunInstances";
    /// `x-acs-version`.
    pub const VERSION: &str = "2014-05-26";
    /// `x-acs-date`.
    pub const DATE: &str = "2023-10-26T10:22:32Z";
    /// `x-acs-signature-nonce`.
    pub const NONCE: &str = "3156853299f313e23d1673dc12e1703d";
    /// `x-acs-content-sha256`: the SHA-256 of the empty body.
    pub const EMPTY_BODY_SHA256: &str =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /// The AccessKey id.
    pub const ACCESS_KEY_ID: &str = "YourAccessKeyId";
    /// The AccessKey secret.
    pub const ACCESS_KEY_SECRET: &str = "YourAccessKeySecret";
    /// The signed headers.
    pub const SIGNED_HEADERS: &str =
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
    /// The lower-case hex SHA-256 of the canonical request.
    pub const HASHED_CANONICAL_REQUEST: &str =
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";
    /// The signature.
    pub const SIGNATURE: &str = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    /// The `Authorization` header.
    pub fn authorization() -> String {
        format!(
            "ACS3-HMAC-SHA256 Credential={ACCESS_KEY_ID},SignedHeaders={SIGNED_HEADERS},Signature={SIGNATURE}"
        )
    }

    /// Every header the request carries (lower-case names), `authorization` included.
    pub fn headers() -> Vec<(String, String)> {
        [
            ("host", HOST.to_owned()),
            ("x-acs-action", ACTION.to_owned()),
            ("x-acs-version", VERSION.to_owned()),
            ("x-acs-date", DATE.to_owned()),
            ("x-acs-signature-nonce", NONCE.to_owned()),
            ("x-acs-content-sha256", EMPTY_BODY_SHA256.to_owned()),
            ("authorization", authorization()),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v))
        .collect()
    }
}

/// The V2 vector: `DescribeRegions`, signed for `GET` and for `POST`.
pub mod v2 {
    /// The parameters, decoded (the signature left out).
    pub const PARAMS: [(&str, &str); 8] = [
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("Format", "XML"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("SignatureVersion", "1.0"),
        ("Timestamp", "2016-02-23T12:46:24Z"),
        ("Version", "2014-05-26"),
    ];
    /// The AccessKey secret.
    pub const ACCESS_KEY_SECRET: &str = "testsecret";
    /// The signature of a `GET`.
    pub const GET_SIGNATURE: &str = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
    /// The signature of a `POST`.
    pub const POST_SIGNATURE: &str = "MxbnVAM4w6sft9xjVpe/GCKueuk=";
    /// The string to sign of the `GET`.
    pub const GET_STRING_TO_SIGN: &str = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions\
        %26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
        %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26";
}
