<?php
/**
 * The stored settings: the proxy's public URL, the default presentation and language, and what the proxy said
 * about itself the last time its URL was saved (`GET /v1/config`: products, test mode).
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

const PAY_LINK_OPTION        = 'pay_link_settings';
const PAY_LINK_CONFIG_OPTION = 'pay_link_proxy_config';
/** A catalog product id as the proxy's config accepts it (also the allow-list for shortcode and block input). */
const PAY_LINK_PRODUCT_PATTERN = '/^[A-Za-z0-9._-]{1,64}$/D';
/** A signed intent token (`pli1.<payload>.<signature>`, base64url parts). */
const PAY_LINK_INTENT_PATTERN = '/^[A-Za-z0-9._-]{1,4096}$/D';
const PAY_LINK_PRESENTATIONS  = array( 'auto', 'popup', 'tab', 'redirect' );
const PAY_LINK_THEMES         = array( 'auto', 'light', 'dark' );
/** The widget's add-on translation files bundled under assets/translations/ (English is in the bundle). */
const PAY_LINK_LANGUAGES = array( 'es', 'hi', 'id', 'ms', 'th', 'vi' );

/** The settings with their defaults filled in. */
function pay_link_get_settings(): array {
	$stored = get_option( PAY_LINK_OPTION, array() );
	return wp_parse_args(
		is_array( $stored ) ? $stored : array(),
		array(
			'proxy_url'    => '',
			'presentation' => 'auto',
			'lang'         => '',
		)
	);
}

/**
 * An http(s) URL as `esc_url_raw` keeps it, without a trailing slash; '' for anything else (`javascript:`, `ftp:`,
 * no host). Used on save and again on every render, so an option written around the settings page is held to it too.
 */
function pay_link_clean_proxy_url( $url ): string {
	if ( ! is_string( $url ) || '' === trim( $url ) ) {
		return '';
	}
	$clean = untrailingslashit( esc_url_raw( trim( $url ), array( 'http', 'https' ) ) );
	$parts = '' !== $clean ? wp_parse_url( $clean ) : false;
	return is_array( $parts ) && ! empty( $parts['host'] ) && in_array( $parts['scheme'] ?? '', array( 'http', 'https' ), true ) ? $clean : '';
}

/** The proxy's config as last fetched: `array( 'testMode' => bool, 'products' => array(...), 'originAllowed' => ?bool )`. */
function pay_link_get_proxy_config(): array {
	$config = get_option( PAY_LINK_CONFIG_OPTION, array() );
	return is_array( $config ) ? $config : array();
}

function pay_link_register_settings(): void {
	register_setting(
		'pay_link',
		PAY_LINK_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'pay_link_sanitize_settings',
			'default'           => array(),
			'show_in_rest'      => false,
		)
	);
}

/**
 * Sanitises a save of the settings form (options.php has already checked the nonce and `manage_options`).
 * A proxy URL is kept only when its `/v1/config` answers; otherwise the previous one stays and a notice says why.
 */
function pay_link_sanitize_settings( $input ): array {
	$old   = pay_link_get_settings();
	$input = is_array( $input ) ? $input : array();
	$clean = $old;

	$presentation          = isset( $input['presentation'] ) && is_string( $input['presentation'] ) ? sanitize_key( $input['presentation'] ) : 'auto';
	$clean['presentation'] = in_array( $presentation, PAY_LINK_PRESENTATIONS, true ) ? $presentation : 'auto';
	$lang                  = isset( $input['lang'] ) && is_string( $input['lang'] ) ? sanitize_key( $input['lang'] ) : '';
	$clean['lang']         = in_array( $lang, PAY_LINK_LANGUAGES, true ) || 'en' === $lang ? $lang : '';

	$raw = isset( $input['proxy_url'] ) && is_string( $input['proxy_url'] ) ? trim( $input['proxy_url'] ) : '';
	if ( '' === $raw ) {
		$clean['proxy_url'] = '';
		delete_option( PAY_LINK_CONFIG_OPTION );
		return $clean;
	}
	// settings_errors() prints a message as HTML, unescaped: what the user typed is escaped here.
	$url = pay_link_clean_proxy_url( $raw );
	if ( '' === $url ) {
		pay_link_settings_error(
			'pay_link_proxy_invalid',
			sprintf(
				/* translators: %s: what was entered as the proxy URL */
				esc_html__( 'The proxy URL was not saved: %s is not an http:// or https:// URL. The previous URL is kept.', 'pay-link' ),
				'<code>' . esc_html( $raw ) . '</code>'
			)
		);
		return $clean;
	}
	$fetched = pay_link_fetch_proxy_config( $url );
	if ( is_wp_error( $fetched ) ) {
		pay_link_settings_error(
			'pay_link_proxy_unreachable',
			esc_html(
				sprintf(
					/* translators: 1: the URL entered, 2: what went wrong */
					__( 'The proxy URL was not saved: %1$s did not answer as a pay-link proxy (%2$s). The previous URL is kept.', 'pay-link' ),
					$url,
					$fetched->get_error_message()
				)
			)
		);
		return $clean;
	}
	$clean['proxy_url'] = $url;
	update_option( PAY_LINK_CONFIG_OPTION, $fetched, false );
	return $clean;
}

/**
 * An error notice for the settings page (HTML: callers escape what the user typed). add_settings_error() lives in
 * an admin include: a save from outside wp-admin (`wp option update`, a script) must not be a fatal error.
 */
function pay_link_settings_error( string $code, string $message ): void {
	if ( ! function_exists( 'add_settings_error' ) ) {
		require_once ABSPATH . 'wp-admin/includes/template.php';
	}
	add_settings_error( PAY_LINK_OPTION, $code, $message, 'error' );
}

/**
 * `GET <proxy>/v1/config`, reduced to what the settings page and the editor show. Memoised per request: WordPress
 * runs the sanitize callback twice when the option is first added.
 *
 * @return array|WP_Error
 */
function pay_link_fetch_proxy_config( string $url ) {
	static $memo = array();
	if ( isset( $memo[ $url ] ) ) {
		return $memo[ $url ];
	}
	// wp_remote_get, not wp_safe_remote_get: an administrator's proxy may well run on a private address or port.
	$response = wp_remote_get( $url . '/v1/config', array( 'timeout' => 5, 'redirection' => 0, 'headers' => array( 'Accept' => 'application/json' ) ) );
	if ( is_wp_error( $response ) ) {
		return $memo[ $url ] = $response;
	}
	$code = (int) wp_remote_retrieve_response_code( $response );
	$body = json_decode( wp_remote_retrieve_body( $response ), true );
	if ( 200 !== $code || ! is_array( $body ) || ! isset( $body['products'] ) || ! is_array( $body['products'] ) ) {
		/* translators: %d: an HTTP status code */
		return $memo[ $url ] = new WP_Error( 'pay_link_not_a_proxy', sprintf( __( 'HTTP %d, no pay-link config', 'pay-link' ), $code ) );
	}
	$products = array();
	foreach ( $body['products'] as $product ) {
		if ( ! is_array( $product ) || ! isset( $product['id'] ) || ! preg_match( PAY_LINK_PRODUCT_PATTERN, (string) $product['id'] ) ) {
			continue;
		}
		$amount     = isset( $product['amount'] ) && is_array( $product['amount'] ) ? $product['amount'] : array();
		$products[] = array(
			'id'       => (string) $product['id'],
			'name'     => sanitize_text_field( (string) ( $product['name'] ?? $product['id'] ) ),
			'value'    => (int) ( $amount['value'] ?? 0 ),
			'currency' => preg_replace( '/[^A-Z]/', '', (string) ( $amount['currency'] ?? '' ) ),
		);
	}
	return $memo[ $url ] = array(
		'testMode'      => ! empty( $body['testMode'] ),
		'products'      => $products,
		'originAllowed' => pay_link_origin_allowed( $url ),
		'checkedAt'     => time(),
	);
}

/**
 * Whether the proxy lets this site's pages mint (`PAY_LINK_ALLOWED_ORIGINS`): a CORS preflight from the site's
 * origin. Null when the proxy could not be asked.
 */
function pay_link_origin_allowed( string $url ): ?bool {
	$origin   = pay_link_site_origin();
	$response = wp_remote_request(
		$url . '/v1/links',
		array(
			'method'      => 'OPTIONS',
			'timeout'     => 5,
			'redirection' => 0,
			'headers'     => array( 'Origin' => $origin, 'Access-Control-Request-Method' => 'POST', 'Access-Control-Request-Headers' => 'content-type,idempotency-key' ),
		)
	);
	if ( is_wp_error( $response ) ) {
		return null;
	}
	return wp_remote_retrieve_header( $response, 'access-control-allow-origin' ) === $origin;
}

/** The origin the site's pages are served from (scheme, host, port), as a browser sends it in `Origin`. */
function pay_link_site_origin(): string {
	$parts = wp_parse_url( home_url() );
	$port  = isset( $parts['port'] ) ? ':' . $parts['port'] : '';
	return $parts['scheme'] . '://' . $parts['host'] . $port;
}
