<?php
/**
 * Boots the test WordPress that ../phpunit.test.ts started (PAY_LINK_WP_ROOT: its document root, with the plugin
 * installed from the built zip and active), the way WordPress boots for a request: wp-load.php, nothing mocked.
 * Debian ships no WordPress test library (wordpress-develop's tests/phpunit), so PayLinkTestCase below gives each
 * test what it needs from it: a database transaction rolled back after the test, and a clean current user.
 *
 * @package PayLink
 */

$pay_link_root = getenv( 'PAY_LINK_WP_ROOT' );
if ( ! $pay_link_root || ! is_file( $pay_link_root . '/wp-load.php' ) ) {
	fwrite( STDERR, "PAY_LINK_WP_ROOT must name a test WordPress's document root (packages/wordpress/test/phpunit.test.ts sets it)\n" );
	exit( 2 );
}
// What a request to the test site would carry (wp-config.php pins WP_HOME; these keep core's notices away).
$pay_link_url              = parse_url( (string) getenv( 'PAY_LINK_WP_URL' ) );
$_SERVER['HTTP_HOST']      = ( $pay_link_url['host'] ?? '127.0.0.1' ) . ( isset( $pay_link_url['port'] ) ? ':' . $pay_link_url['port'] : '' );
$_SERVER['SERVER_NAME']    = '127.0.0.1';
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';

// PHPUnit includes this file from inside a method, so what wp-config.php and wp-settings.php assign at their top
// level would be locals of that method: the globals WordPress's own test bootstrap lists (plus the table prefix).
global $wpdb, $current_site, $current_blog, $wp_rewrite, $shortcode_tags, $wp, $phpmailer, $wp_theme_directories, $table_prefix;
require $pay_link_root . '/wp-load.php';

if ( ! function_exists( 'pay_link_render_button' ) ) {
	fwrite( STDERR, "the pay-link plugin is not active in the WordPress at {$pay_link_root}\n" );
	exit( 2 );
}

require_once __DIR__ . '/PayLinkTestCase.php';
