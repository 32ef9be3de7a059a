<?php
/**
 * The widget's classic (IIFE) bundle and its translations, shipped in assets/ (copied from packages/widget/dist at
 * build time): enqueued only while a block or shortcode renders, in the footer, marked so that script-delaying
 * and combining plugins leave it alone.
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

const PAY_LINK_SCRIPT = 'pay-link-button';

function pay_link_register_assets(): void {
	wp_register_script( PAY_LINK_SCRIPT, plugins_url( 'assets/pay-link-button.iife.js', PAY_LINK_FILE ), array(), PAY_LINK_VERSION, true );
	foreach ( PAY_LINK_LANGUAGES as $lang ) {
		wp_register_script( PAY_LINK_SCRIPT . '-' . $lang, plugins_url( 'assets/translations/' . $lang . '.js', PAY_LINK_FILE ), array(), PAY_LINK_VERSION, true );
	}
}

/**
 * Called by the renderer, so only pages with a button get the script. The element talks to the origin its script
 * came from unless told otherwise; the script comes from this site, so every element carries `proxy="…"`.
 * A translation file, when the button's language (or, with none set, the site's) has one.
 */
function pay_link_enqueue_widget( string $lang ): void {
	wp_enqueue_script( PAY_LINK_SCRIPT );
	$wanted = '' !== $lang ? $lang : strtolower( substr( determine_locale(), 0, 2 ) );
	if ( in_array( $wanted, PAY_LINK_LANGUAGES, true ) ) {
		wp_enqueue_script( PAY_LINK_SCRIPT . '-' . $wanted );
	}
}

/** Whether `$handle` is one of ours. */
function pay_link_is_own_script( string $handle ): bool {
	return PAY_LINK_SCRIPT === $handle || 0 === strpos( $handle, PAY_LINK_SCRIPT . '-' );
}

/**
 * Marks our tags for the optimisers: `data-no-optimize` (LiteSpeed Cache), `data-noptimize` (Autoptimize),
 * `data-no-defer` and `data-no-minify` (WP Rocket's defer and minify), `nowprocket` (WP Rocket's delay JS),
 * `data-cfasync="false"` (Cloudflare Rocket Loader). A payment button whose script waits for the first scroll is a
 * button that does nothing on the first click.
 */
function pay_link_script_tag( string $tag, string $handle ): string {
	if ( ! pay_link_is_own_script( $handle ) ) {
		return $tag;
	}
	$marks = ' data-no-optimize="1" data-noptimize="1" data-no-defer="1" data-no-minify="1" data-cfasync="false" nowprocket';
	return preg_replace( '/<script\b(?![^>]*\bdata-no-optimize)/', '<script' . $marks, $tag );
}

/** The same exclusions through each plugin's own filter, for versions that ignore the attributes. */
function pay_link_register_cache_exclusions(): void {
	$patterns = static function ( $list ) {
		$list   = is_array( $list ) ? $list : array();
		$list[] = '/pay-link/assets/pay-link-button.iife.js';
		$list[] = '/pay-link/assets/translations/';
		return $list;
	};
	// WP Rocket: delay JavaScript execution, load JavaScript deferred, minify/combine JavaScript.
	add_filter( 'rocket_delay_js_exclusions', $patterns );
	add_filter( 'rocket_exclude_defer_js', $patterns );
	add_filter( 'rocket_exclude_js', $patterns );
	// LiteSpeed Cache: JS excludes (minify/combine) and deferred/delayed excludes.
	add_filter( 'litespeed_optimize_js_excludes', $patterns );
	add_filter( 'litespeed_optm_js_defer_exc', $patterns );
	// Autoptimize: a comma-separated string.
	add_filter(
		'autoptimize_filter_js_exclude',
		static function ( $exclude ) {
			return trim( (string) $exclude . ', pay-link-button.iife.js, pay-link/assets/translations/', ', ' );
		}
	);
}
